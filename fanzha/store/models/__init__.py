"""All tables, one concept per module; importing this package registers them on ``Base.metadata``."""
from fanzha.store.models.account import Account
from fanzha.store.models.api_token import ApiToken
from fanzha.store.models.audit_entry import AuditChainHead, AuditEntry
from fanzha.store.models.base import Base
from fanzha.store.models.block_list_entry import BlockListEntry
from fanzha.store.models.card_score import CardScore
from fanzha.store.models.case import Case, CaseContact, CaseEvent, CaseTransfer
from fanzha.store.models.consultation import Consultation
from fanzha.store.models.crackdown import Arrest, Seizure, Suspect, SuspectEvent
from fanzha.store.models.freeze import Freeze, Restitution
from fanzha.store.models.graph import GraphEntity, GraphRelation
from fanzha.store.models.helper_flag import HelperFlag
from fanzha.store.models.import_batch import ImportBatch
from fanzha.store.models.media_item import MediaItem
from fanzha.store.models.mule_score import MuleScore
from fanzha.store.models.number_order import NumberAppeal, NumberOrder, NumberOrderEvent
from fanzha.store.models.number_score import NumberScore
from fanzha.store.models.organisation import Organisation
from fanzha.store.models.person import Person
from fanzha.store.models.phone import Phone
from fanzha.store.models.public_report import PublicReport
from fanzha.store.models.public_sms import PublicSmsBroadcast
from fanzha.store.models.publicity import PublicityCampaign, PublicityEvent
from fanzha.store.models.series import Series, SeriesCase, SeriesDecision
from fanzha.store.models.site_visit import SiteVisit
from fanzha.store.models.statement import StatementPosting
from fanzha.store.models.statement_request import StatementRequest
from fanzha.store.models.stop_payment_order import OrderEvent, StopPaymentOrder
from fanzha.store.models.stream_dead_letter import StreamDeadLetter
from fanzha.store.models.telecom_alert import TelecomAlert
from fanzha.store.models.telecom_record import CallRecord, SmsRecord
from fanzha.store.models.user import User
from fanzha.store.models.user_session import UserSession
from fanzha.store.models.warning_broadcast import WarningBroadcast, WarningMessage
from fanzha.store.models.warning_lead import LeadSignal, LeadStep, WarningLead

__all__ = [
    "Base", "Organisation", "User", "Person", "Phone", "Account", "Case", "CaseContact",
    "CaseEvent", "CaseTransfer", "StatementPosting", "CallRecord", "SmsRecord", "SiteVisit", "ImportBatch",
    "AuditEntry", "AuditChainHead", "ApiToken", "UserSession", "StopPaymentOrder", "OrderEvent", "Freeze",
    "Restitution", "StatementRequest", "BlockListEntry", "TelecomAlert", "StreamDeadLetter",
    "NumberOrder", "NumberOrderEvent", "NumberAppeal", "NumberScore",
    "WarningLead", "LeadSignal", "LeadStep",
    "WarningBroadcast", "WarningMessage",
    "GraphEntity", "GraphRelation", "Series", "SeriesCase", "SeriesDecision",
    "Suspect", "SuspectEvent", "Arrest", "Seizure",
    "MuleScore", "CardScore", "HelperFlag",
    "PublicityCampaign", "PublicityEvent", "PublicSmsBroadcast", "MediaItem", "Consultation", "PublicReport",
]
