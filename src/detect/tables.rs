//! The lookup structures of the scoring model: a fast hasher for small keys,
//! 64-bit word keys, flat open-addressing tables of score deltas and
//! per-character tables with a direct index for the common code points.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A fast multiplicative hasher for the small integer and string keys here.
#[derive(Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

impl Hasher for FastHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut v = 0u64;
            for (i, b) in chunk.iter().enumerate() {
                v |= (*b as u64) << (8 * i);
            }
            self.write_u64(v);
        }
    }
    #[inline]
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    #[inline]
    fn write_u32(&mut self, v: u32) {
        self.write_u64(v as u64)
    }
    #[inline]
    fn write_u8(&mut self, v: u8) {
        self.write_u64(v as u64)
    }
    #[inline]
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64)
    }
}

pub(super) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// Sparse per-language score deltas.
pub(super) type Deltas = Vec<(u16, f32)>;

pub(super) const KEY_SEED: u64 = 0x243F_6A88_85A3_08D3;

/// One step of the word key: the key of a word is folded over its chars.
#[inline]
pub(super) fn key_step(h: u64, c: char) -> u64 {
    let x = (h ^ c as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^ (x >> 29)
}

/// The 64-bit key of a word or word ending (no strings are built or
/// compared while scoring).
pub(super) fn key(s: &str) -> u64 {
    s.chars().fold(KEY_SEED, key_step)
}

/// Deltas by 64-bit key in one open-addressing table over one flat array
/// (no pointer to follow per lookup).
pub(super) struct FlatDeltas {
    /// (key, start, len); len 0 = empty slot.
    slots: Vec<(u64, u32, u32)>,
    shift: u32,
    deltas: Vec<(u16, f32)>,
}

impl FlatDeltas {
    pub(super) fn from(map: FastMap<u64, Deltas>) -> Self {
        let bits = (map.len() * 2).next_power_of_two().max(16).trailing_zeros();
        let mut t = FlatDeltas {
            slots: vec![(0, 0, 0); 1 << bits],
            shift: 64 - bits,
            deltas: Vec::new(),
        };
        for (k, d) in map {
            if d.is_empty() {
                continue;
            }
            let mut i = t.slot(k);
            while t.slots[i].2 != 0 {
                i = (i + 1) & (t.slots.len() - 1);
            }
            t.slots[i] = (k, t.deltas.len() as u32, d.len() as u32);
            t.deltas.extend(d);
        }
        t
    }

    #[inline]
    fn slot(&self, k: u64) -> usize {
        (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    #[inline]
    pub(super) fn get(&self, k: u64) -> &[(u16, f32)] {
        let mut i = self.slot(k);
        loop {
            let (key, start, len) = self.slots[i];
            if len == 0 {
                return &[];
            }
            if key == k {
                return &self.deltas[start as usize..(start + len) as usize];
            }
            i = (i + 1) & (self.slots.len() - 1);
        }
    }
}

/// Per-character data with a direct index for the first 2048 code points
/// (Latin, Cyrillic, Arabic), which are looked up for nearly every letter.
pub(super) struct CharTable<T> {
    small: Vec<u16>,
    items: Vec<T>,
    big: FastMap<char, u16>,
}

pub(super) const SMALL: usize = 0x800;

impl<T> CharTable<T> {
    pub(super) fn from(map: FastMap<char, T>) -> Self {
        let mut t = CharTable {
            small: vec![u16::MAX; SMALL],
            items: Vec::new(),
            big: FastMap::default(),
        };
        for (c, v) in map {
            let k = t.items.len() as u16;
            t.items.push(v);
            if (c as usize) < SMALL {
                t.small[c as usize] = k;
            } else {
                t.big.insert(c, k);
            }
        }
        t
    }

    #[inline]
    pub(super) fn get(&self, c: &char) -> Option<&T> {
        let k = if (*c as usize) < SMALL {
            self.small[*c as usize]
        } else {
            *self.big.get(c)?
        };
        self.items.get(k as usize)
    }
}
