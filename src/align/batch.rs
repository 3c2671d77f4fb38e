//! Aligning many documents at once (in progress).
