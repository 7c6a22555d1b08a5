//! Pieces the pages share.

pub mod badges;
pub mod class_dialog;
pub mod dialog;
pub mod global_dialog;
pub mod native;
pub mod notice;
pub mod option_editor;
pub mod progress;
pub mod relationship_dialog;
pub mod replicate_dialog;
pub mod reservation_dialog;
pub mod results;
pub mod scope_dialog;
pub mod server_html;
pub mod server_options_dialog;
pub mod table;
pub mod user_menu;
