//! What a test handler reports of each delivery: the id and type the
//! example receivers print (`examples/support/describe.rs`, compiled here
//! too), so one table of expected answers serves the test harnesses and
//! the example binaries.

use super::runs::Runs;

#[path = "../../examples/support/describe.rs"]
mod shared;
pub use shared::Describe;

/// What a test handler answers for a verified delivery (and counts, for a
/// first one): `processed <id> <type>` or `duplicate <id>`, the very lines
/// the example receivers print, escaped as they escape them.
pub fn respond(duplicate: bool, event: &impl Describe, key: &str, runs: &Runs) -> String {
    let (id, event_type) = event.describe(key);
    if duplicate {
        format!("duplicate {}", id.escape_debug())
    } else {
        let line = format!(
            "processed {} {}",
            id.escape_debug(),
            event_type.escape_debug()
        );
        runs.record(&line);
        line
    }
}
