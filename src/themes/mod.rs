//! Recurring themes within and across languages.
