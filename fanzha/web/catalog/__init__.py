"""Each desk's UI words in a module of its own, merged into i18n.CATALOG (a key may be defined once)."""
