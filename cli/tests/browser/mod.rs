//! Headless Chromium for the HTML report's tests and benchmark: started from Debian's
//! `chromium` (or `$CHROME`), a tab that records every request and console problem from before
//! the page loads, and small helpers to read the page through JavaScript.
#![allow(dead_code, reason = "each user takes a different subset")]

use std::path::Path;
use std::sync::{Arc, Mutex};

use headless_chrome::protocol::cdp::Log::LogEntryLevel;
use headless_chrome::protocol::cdp::Network;
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The browser, or a failure that says how to install it.
pub fn browser() -> Browser {
    let chrome = headless_chrome::browser::default_executable().unwrap_or_else(|e| {
        panic!(
            "no Chromium to test the HTML report in ({e}): run `bash .ci/backends`, which installs \
             Debian's chromium (CI runs it), or set CHROME to a Chrome or Chromium binary"
        )
    });
    let options = LaunchOptions::default_builder()
        .path(Some(chrome))
        .sandbox(false)
        .window_size(Some((1280, 900)))
        .idle_browser_timeout(std::time::Duration::from_secs(120))
        .build()
        .expect("launch options");
    Browser::new(options).expect("Chromium starts")
}

/// What the page did on its own: the requests it made and anything its console reported.
#[derive(Default)]
pub struct Watch {
    pub requests: Vec<String>,
    pub problems: Vec<String>,
}

/// Opens `page` in a new tab, recording requests, console messages, log entries and
/// exceptions from before the navigation on.
pub fn open(browser: &Browser, page: &Path) -> (Arc<Tab>, Arc<Mutex<Watch>>) {
    let tab = browser.new_tab().expect("tab");
    let watch = Arc::new(Mutex::new(Watch::default()));
    let seen = Arc::clone(&watch);
    tab.add_event_listener(Arc::new(move |event: &Event| {
        // A failed assertion elsewhere must not turn every later event into a second panic.
        let mut seen = seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match event {
            Event::NetworkRequestWillBeSent(e) => seen.requests.push(e.params.request.url.clone()),
            Event::RuntimeConsoleAPICalled(e) => {
                let args: Vec<String> = e
                    .params
                    .args
                    .iter()
                    .map(|a| {
                        a.value.as_ref().map_or_else(|| format!("{:?}", a.description), Value::to_string)
                    })
                    .collect();
                seen.problems.push(format!("console.{:?}: {}", e.params.Type, args.join(" ")));
            }
            Event::RuntimeExceptionThrown(e) => {
                let details = &e.params.exception_details;
                let what = details.exception.as_ref().and_then(|x| x.description.clone()).unwrap_or_default();
                seen.problems.push(format!("exception: {} {what}", details.text));
            }
            Event::LogEntryAdded(e)
                if matches!(e.params.entry.level, LogEntryLevel::Warning | LogEntryLevel::Error) =>
            {
                seen.problems.push(format!("log {:?}: {}", e.params.entry.level, e.params.entry.text));
            }
            _ => {}
        }
    }))
    .expect("listener");
    tab.call_method(Network::Enable {
        max_total_buffer_size: None,
        max_resource_buffer_size: None,
        max_post_data_size: None,
        report_direct_socket_traffic: None,
        enable_durable_messages: None,
    })
    .expect("Network.enable");
    tab.enable_runtime().expect("Runtime.enable");
    tab.enable_log().expect("Log.enable");
    tab.navigate_to(&file_url(page)).expect("navigate").wait_until_navigated().expect("page loads");
    tab.wait_for_element("#treemap .cell, #due tbody tr").expect("the page draws");
    (tab, watch)
}

/// The requests and problems seen so far, copied out of the lock.
pub fn seen(watch: &Mutex<Watch>) -> (Vec<String>, Vec<String>) {
    let watch = watch.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    (watch.requests.clone(), watch.problems.clone())
}

pub fn file_url(path: &Path) -> String {
    let path = path.canonicalize().expect("page exists");
    let mut url = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => url.push(byte as char),
            b => url.push_str(&format!("%{b:02X}")),
        }
    }
    url
}

/// The value of a JavaScript expression, through JSON.
pub fn js<T: DeserializeOwned>(tab: &Tab, expr: &str) -> T {
    let wrapped = format!("JSON.stringify((() => {{ return {expr}; }})())");
    let result = tab.evaluate(&wrapped, false).unwrap_or_else(|e| panic!("{expr}: {e}"));
    let text = result
        .value
        .as_ref()
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{expr} gave no JSON: {:?}", result.description));
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{expr}: {e}: {text}"))
}

pub fn click(tab: &Tab, selector: &str) {
    tab.find_element(selector).unwrap_or_else(|e| panic!("{selector}: {e}")).click().expect("click");
}
