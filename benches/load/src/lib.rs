//! Shared by the load tools: the secret, a body, and reading a process's
//! memory.

/// The secret every tool and receiver here uses.
pub const SECRET: &str = "whsec_load_0123456789abcdef0123456789abcdef";

/// A realistic event, about 500 bytes: the creator.approved fixture.
pub const EVENT: &str = include_str!("../../../tests/fixtures/unleeshed/creator.approved.json");

/// A field of `/proc/<pid>/status` in KiB (`VmRSS`, `VmHWM`), on Linux.
pub fn proc_status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
