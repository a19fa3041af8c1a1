//! The per-thread memo of word analyses: a two-way set-associative table
//! keyed by a word.
//!
//! The memo of each language is megabytes, read at random, so a lookup is
//! usually a cache miss. Unlike a `HashMap`, this table lets the caller
//! [`WordMemo::prefetch`] a word's set a word ahead, so the miss overlaps the
//! analysis of the word before. A set holds the two most recently used words
//! that fall in it; a new word evicts the older. Whatever it evicts, a
//! lookup gives either the stored value or nothing, so the memo changes no
//! output (the caller computes a miss from the word alone).

use compact_str::CompactString;

/// The hash a word is looked up by (never 0, which marks an empty slot).
#[inline]
pub(crate) fn hash(word: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(word.as_bytes()) | 1
}

struct Slot<V> {
    hash: u64,
    key: CompactString,
    value: V,
}

/// A memo of `2 × sets` words.
pub(crate) struct WordMemo<V> {
    /// Set `i` is `slots[2i]` (most recently used) and `slots[2i + 1]`.
    slots: Vec<Slot<V>>,
    mask: usize,
}

impl<V: Default> WordMemo<V> {
    /// An empty memo of `2 × sets` words (`sets` a power of two).
    pub(crate) fn new(sets: usize) -> Self {
        assert!(sets.is_power_of_two());
        WordMemo {
            slots: (0..2 * sets)
                .map(|_| Slot {
                    hash: 0,
                    key: CompactString::default(),
                    value: V::default(),
                })
                .collect(),
            mask: sets - 1,
        }
    }

    #[inline]
    fn set(&self, hash: u64) -> usize {
        2 * ((hash >> 1) as usize & self.mask)
    }

    /// Bring the set of `hash` into the cache (a hint; changes nothing).
    #[inline]
    pub(crate) fn prefetch(&self, hash: u64) {
        let i = self.set(hash);
        let first = &self.slots[i] as *const Slot<V> as *const u8;
        let bytes = 2 * std::mem::size_of::<Slot<V>>();
        for off in (0..bytes).step_by(64) {
            // SAFETY: `first + off` stays inside the two slots of set `i`.
            crate::hint::prefetch(unsafe { &*first.add(off) });
        }
    }

    /// The value of `key` (whose [`hash`] is `hash`), if the memo holds it.
    #[inline]
    pub(crate) fn get(&mut self, hash: u64, key: &str) -> Option<&V> {
        let i = self.set(hash);
        if self.slots[i].hash == hash && self.slots[i].key == key {
            return Some(&self.slots[i].value);
        }
        if self.slots[i + 1].hash == hash && self.slots[i + 1].key == key {
            self.slots.swap(i, i + 1);
            return Some(&self.slots[i].value);
        }
        None
    }

    /// Keep `key → value`, evicting the least recently used word of its set.
    pub(crate) fn insert(&mut self, hash: u64, key: &str, value: V) {
        let i = self.set(hash);
        self.slots.swap(i, i + 1);
        self.slots[i] = Slot {
            hash,
            key: CompactString::from(key),
            value,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_two_most_recent_words_of_a_set() {
        let mut m: WordMemo<u32> = WordMemo::new(1);
        let (a, b, c) = (hash("a"), hash("b"), hash("c"));
        m.insert(a, "a", 1);
        m.insert(b, "b", 2);
        assert_eq!(m.get(a, "a"), Some(&1));
        // "a" was used last, so "c" evicts "b".
        m.insert(c, "c", 3);
        assert_eq!(m.get(b, "b"), None);
        assert_eq!(m.get(a, "a"), Some(&1));
        assert_eq!(m.get(c, "c"), Some(&3));
        // A hash that matches but a key that does not is a miss.
        assert_eq!(m.get(a, "x"), None);
    }

    #[test]
    fn empty_slots_never_match() {
        let mut m: WordMemo<u32> = WordMemo::new(4);
        assert_eq!(m.get(hash(""), ""), None);
        assert_ne!(hash(""), 0);
    }
}
