//! Counting handler runs per event id, across every receiver of a test.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Handler runs per event id.
#[derive(Clone, Default)]
pub struct Runs(Arc<Mutex<HashMap<String, usize>>>);

impl Runs {
    /// Counts a run of `id`'s handler; returns which run this is (1 = first).
    pub fn record(&self, id: &str) -> usize {
        let mut runs = self.0.lock().unwrap();
        let n = runs.entry(id.to_owned()).or_default();
        *n += 1;
        *n
    }

    /// How many times `id`'s handler ran.
    pub fn of(&self, id: &str) -> usize {
        self.0.lock().unwrap().get(id).copied().unwrap_or(0)
    }

    /// Handler runs in all.
    pub fn total(&self) -> usize {
        self.0.lock().unwrap().values().sum()
    }

    /// How many distinct ids ran.
    pub fn distinct(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    /// The ids that ran, sorted.
    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.0.lock().unwrap().keys().cloned().collect();
        ids.sort();
        ids
    }
}
