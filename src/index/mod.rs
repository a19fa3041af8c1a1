//! The tantivy index: schema, writing, reading, searching.
