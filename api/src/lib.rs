//! How people get out: the actix-web application (routes, errors, auth as it
//! grows) and the pieces the `kohtaanto` binary shares with tests.

pub mod auth;
pub mod bench;
pub mod config;
pub mod demo;
pub mod error;
pub mod limits;
pub mod metrics;
pub mod openapi;
pub mod routes;
pub mod server;
pub mod state;
pub mod ui;
