//! Sharding: which input files one of N processes indexes. A job runner
//! (Slurm job arrays, GNU parallel, xargs) starts the N processes; korpus
//! only decides, per file, which shard it belongs to.
//!
//! A file belongs to shard `hash(path relative to its root) mod N`, so the
//! assignment depends neither on walk order nor on where the root is
//! mounted on the machine that runs the shard.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Shard `index` of `count` (0-based: Slurm array task ids start at 0 by
/// default, `--array=0-3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which shard, `0..count`.
    pub index: u32,
    /// How many shards.
    pub count: u32,
}

/// Most shards korpus accepts (a typo such as `1/40000000` is refused).
pub const MAX_SHARDS: u32 = 100_000;

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `I/N` with `0 ≤ I < N ≤ 100,000`.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not a shard: write I/N, e.g. 0/4 for the first of 4 (0 ≤ I < N)");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || count > MAX_SHARDS {
            return Err(format!("shard count {count} is out of range (1 to {MAX_SHARDS})"));
        }
        if index >= count {
            return Err(format!("shard {index}/{count}: the index must be below the count (0 to {})", count - 1));
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// The shard of this Slurm array task, from `SLURM_ARRAY_TASK_ID` and
    /// `SLURM_ARRAY_TASK_COUNT`, or `SLURM_ARRAY_TASK_MIN`/`MAX` (the task id
    /// counted from the array's first id).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
        let num = |name: &str| -> Result<Option<u32>, String> {
            match var(name) {
                None => Ok(None),
                Some(v) => v.trim().parse().map(Some).map_err(|_| format!("{name}={v:?} is not a whole number")),
            }
        };
        let Some(id) = num("SLURM_ARRAY_TASK_ID")? else {
            return Err("--shard auto needs SLURM_ARRAY_TASK_ID (run it in a Slurm job array, or give --shard I/N)".into());
        };
        let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        let count = match (num("SLURM_ARRAY_TASK_COUNT")?, num("SLURM_ARRAY_TASK_MAX")?) {
            (Some(c), _) => c,
            (None, Some(max)) if max >= min => max - min + 1,
            _ => {
                return Err("--shard auto needs SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MAX besides SLURM_ARRAY_TASK_ID".into())
            }
        };
        let index = id
            .checked_sub(min)
            .ok_or_else(|| format!("SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}"))?;
        format!("{index}/{count}").parse()
    }

    /// The shard `file` belongs to: `rel` is its path relative to the root
    /// it was found under ([`relative_to_root`]).
    pub fn of(rel: &str, count: u32) -> u32 {
        let h = blake3::hash(rel.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&h.as_bytes()[..8]);
        (u64::from_le_bytes(first) % u64::from(count)) as u32
    }

    /// Whether the file whose path relative to its root is `rel` is this
    /// shard's.
    pub fn owns(&self, rel: &str) -> bool {
        Self::of(rel, self.count) == self.index
    }
}

/// `file`'s path relative to the root (one of `roots`, the paths given to
/// `index`) it was found under, with `/` between components: for a file
/// given as a root, its file name. The longest matching root wins, so
/// nested roots agree with the single-root spelling.
pub fn relative_to_root(file: &Path, roots: &[PathBuf]) -> String {
    let rel = roots
        .iter()
        .filter_map(|r| file.strip_prefix(r).ok().map(|rest| (r.components().count(), rest)))
        .max_by_key(|(n, _)| *n)
        .map(|(_, rest)| rest.to_path_buf())
        .filter(|rest| !rest.as_os_str().is_empty())
        .unwrap_or_else(|| file.file_name().map(PathBuf::from).unwrap_or_else(|| file.to_path_buf()));
    rel.components()
        .map(|c| crate::ingest::path_name(Path::new(c.as_os_str())))
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses_shard_specs() {
        assert_eq!("1/4".parse::<Shard>().unwrap(), Shard { index: 1, count: 4 });
        for bad in ["4/4", "1/0", "x/4", "1", "-1/4", "1/4/2", "0/100001"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn slurm_variables_give_the_shard() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        let s = Shard::from_env(env(&[("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "8")])).unwrap();
        assert_eq!(s, Shard { index: 3, count: 8 });
        let s = Shard::from_env(env(&[
            ("SLURM_ARRAY_TASK_ID", "12"),
            ("SLURM_ARRAY_TASK_MIN", "10"),
            ("SLURM_ARRAY_TASK_MAX", "13"),
        ]))
        .unwrap();
        assert_eq!(s, Shard { index: 2, count: 4 });
        assert!(Shard::from_env(env(&[])).unwrap_err().contains("SLURM_ARRAY_TASK_ID"));
        assert!(Shard::from_env(env(&[("SLURM_ARRAY_TASK_ID", "1")])).is_err());
    }

    #[test]
    fn assignment_depends_on_the_path_under_the_root_only() {
        let roots_a = [PathBuf::from("/mnt/a/corpus")];
        let roots_b = [PathBuf::from("data/corpus")];
        let a = relative_to_root(Path::new("/mnt/a/corpus/de/x.txt"), &roots_a);
        let b = relative_to_root(Path::new("data/corpus/de/x.txt"), &roots_b);
        assert_eq!(a, "de/x.txt");
        assert_eq!(a, b);
        assert_eq!(relative_to_root(Path::new("data/one.jsonl"), &[PathBuf::from("data/one.jsonl")]), "one.jsonl");
        // Every file has exactly one shard, and 4 shards of 2,000 names are
        // each about a quarter.
        let mut per = [0usize; 4];
        for i in 0..2000 {
            let rel = format!("lang/{i}.txt");
            let owners: Vec<u32> = (0..4).filter(|&k| Shard { index: k, count: 4 }.owns(&rel)).collect();
            assert_eq!(owners.len(), 1);
            per[owners[0] as usize] += 1;
        }
        assert!(per.iter().all(|&n| (400..600).contains(&n)), "{per:?}");
    }
}
