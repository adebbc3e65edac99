//! MODEL.md in Rhai: one script function over the lead as a Rhai object map.
//! Datetimes are compared as RFC 3339 UTC strings (they sort as text); the
//! company-name regex is a host function, as a Rhai user would register it.

use crate::{tier, Scores};
use rhai::{Dynamic, Engine, Scope, AST};
use serde_json::Value;

const SCRIPT: &str = r#"
fn has(s, needles) {
    if type_of(s) != "string" { return false; }
    for n in needles { if s.contains(n) { return true; } }
    false
}
fn low(v) { if type_of(v) == "string" { v.to_lower() } else { () } }
fn num(v) { let t = type_of(v); t == "i64" || t == "f64" }

fn score(lead, as_of, cut30, cut90) {
    let title = low(lead.title);
    let email = low(lead.email);
    let co = if type_of(lead.company) == "map" { lead.company } else { #{} };
    let size = co.size;
    let fit = 0;
    if has(title, ["vp", "vice president", "chief", "ceo", "cfo", "head of", "founder"]) { fit += 50; }
    if has(title, ["director"]) { fit += 30; }
    if has(title, ["manager"]) { fit += 15; }
    if has(title, ["intern", "student"]) { fit -= 30; }
    if num(size) && size >= 200 && size <= 5000 { fit += 20; }
    if num(size) && size >= 50 && size <= 199 { fit += 10; }
    if num(size) && size < 10 { fit -= 10; }
    if low(co.industry) in ["saas", "software", "fintech", "healthcare it"] { fit += 15; }
    if low(co.country) in ["us", "ca", "gb", "de", "fr", "nl", "au"] { fit += 5; }
    if type_of(email) == "string" && (email.ends_with("@gmail.com") || email.ends_with("@yahoo.com")
        || email.ends_with("@hotmail.com") || email.ends_with("@outlook.com")) { fit -= 20; }
    if num(co.revenue) && co.revenue >= 10000000 { fit += 10; }
    if fit > 60 { fit = 60; }

    let events = if type_of(lead.events) == "array" { lead.events } else { [] };
    let pricing = 0; let demo = false; let webinar = false; let opens = 0; let clicks = 0;
    let paper = false; let views = 0; let recent = false; let careers = false;
    for e in events {
        let t = low(e.type);
        let url = low(e.url);
        let at = e.at;
        if at > cut90 && at <= as_of { recent = true; }
        if t == "page_view" {
            views += 1;
            if has(url, ["/pricing"]) && at > cut30 && at <= as_of { pricing += 1; }
            if has(url, ["/careers"]) { careers = true; }
        } else if t == "demo_request" { demo = true; }
        else if t == "webinar_attended" { webinar = true; }
        else if t == "email_open" { opens += 1; }
        else if t == "email_click" { clicks += 1; }
        else if t == "content_download" && has(url, ["whitepaper"]) { paper = true; }
    }
    let eng = 0;
    if pricing >= 1 { eng += 30; }
    if pricing >= 3 { eng += 10; }
    if demo { eng += 40; }
    if webinar { eng += 15; }
    eng += if 2 * opens > 10 { 10 } else { 2 * opens };
    if clicks >= 2 { eng += 10; }
    if paper { eng += 10; }
    if views >= 20 { eng += 5; }
    let source = low(lead.source);
    if source == "referral" { eng += 15; }
    if source == "paid" { eng += 5; }
    if eng > 100 { eng = 100; }

    let rest = 0;
    if lead.unsubscribed == true { rest -= 50; }
    if !recent { rest -= 15; }
    if careers { rest -= 10; }
    if type_of(co.name) == "string" && is_test_name(co.name) { rest -= 40; }
    if type_of(lead.title) != "string" || lead.title == "" { rest -= 5; }
    [fit, eng, rest]
}
"#;

/// The engine, the compiled script and the leads as shared Rhai maps.
pub struct Model {
    engine: Engine,
    ast: AST,
    leads: Vec<Dynamic>,
}

impl Model {
    pub fn new(leads: &[Value]) -> Model {
        let mut engine = Engine::new();
        let re = regex::Regex::new(r"(?i)\b(test|example)\b").unwrap();
        engine.register_fn("is_test_name", move |s: &str| re.is_match(s));
        let ast = engine.compile(SCRIPT).expect("the Rhai model compiles");
        let leads = leads
            .iter()
            .map(|v| rhai::serde::to_dynamic(v).expect("a lead").into_shared())
            .collect();
        Model { engine, ast, leads }
    }

    pub fn score(&self, i: usize) -> Scores {
        let mut scope = Scope::new();
        let args = (
            self.leads[i].clone(),
            "2026-11-01T00:00:00Z".to_string(),
            "2026-10-02T00:00:00Z".to_string(),
            "2026-08-03T00:00:00Z".to_string(),
        );
        let out: rhai::Array = self.engine.call_fn(&mut scope, &self.ast, "score", args).expect("the Rhai model runs");
        let [fit, eng, rest] = [0, 1, 2].map(|k| out[k].as_int().expect("an int"));
        let score = fit + eng + rest;
        Scores { score, tier: tier(score), fit, engagement: eng }
    }
}
