#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The API crate's tests: the real server on a random port, and the real
//! `kohtaanto` binary, against SQLite always and PostgreSQL when
//! `KOHTAANTO_TEST_DATABASE_URL` is set.

mod architecture;
mod browser;
mod cli;
mod contract;
mod faults;
mod health;
mod index;
mod support;
mod ui;
mod v1;
mod webdriver;
mod world;
