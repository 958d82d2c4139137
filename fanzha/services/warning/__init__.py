"""The warning desk (预警劝阻): leads from every signal, graded, routed, signed for and worked."""
