//! Pieces the pages share.

pub mod badges;
pub mod notice;
