//! MODEL.md in CEL (the `cel` crate): three expressions (fit, engagement,
//! the ungrouped rules) over the lead as a CEL map; Rust adds them up,
//! clamps the groups and picks the tier. `lowerAscii` is registered as the
//! CEL strings extension defines it; the company-name test uses CEL's own
//! `matches`. Datetimes are compared as RFC 3339 UTC strings.

use crate::{tier, Scores};
use cel::objects::{Key, Map};
use cel::{Context, Program, Value as Cel};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

const FIT: &str = r#"
  (has(lead.title) && ['vp', 'vice president', 'chief', 'ceo', 'cfo', 'head of', 'founder'].exists(n, lead.title.lowerAscii().contains(n)) ? 50 : 0)
+ (has(lead.title) && lead.title.lowerAscii().contains('director') ? 30 : 0)
+ (has(lead.title) && lead.title.lowerAscii().contains('manager') ? 15 : 0)
+ (has(lead.title) && ['intern', 'student'].exists(n, lead.title.lowerAscii().contains(n)) ? -30 : 0)
+ (lead.company.size != null && lead.company.size >= 200 && lead.company.size <= 5000 ? 20 : 0)
+ (lead.company.size != null && lead.company.size >= 50 && lead.company.size <= 199 ? 10 : 0)
+ (lead.company.size != null && lead.company.size < 10 ? -10 : 0)
+ (lead.company.industry.lowerAscii() in ['saas', 'software', 'fintech', 'healthcare it'] ? 15 : 0)
+ (has(lead.company.country) && lead.company.country.lowerAscii() in ['us', 'ca', 'gb', 'de', 'fr', 'nl', 'au'] ? 5 : 0)
+ (['@gmail.com', '@yahoo.com', '@hotmail.com', '@outlook.com'].exists(d, lead.email.lowerAscii().endsWith(d)) ? -20 : 0)
+ (double(lead.company.revenue) >= 10000000.0 ? 10 : 0)
"#;

const ENGAGEMENT: &str = r#"
  (lead.events.filter(e, e.type.lowerAscii() == 'page_view' && has(e.url) && e.url.lowerAscii().contains('/pricing') && e.at > cut30 && e.at <= as_of).size() >= 1 ? 30 : 0)
+ (lead.events.filter(e, e.type.lowerAscii() == 'page_view' && has(e.url) && e.url.lowerAscii().contains('/pricing') && e.at > cut30 && e.at <= as_of).size() >= 3 ? 10 : 0)
+ (lead.events.exists(e, e.type.lowerAscii() == 'demo_request') ? 40 : 0)
+ (lead.events.exists(e, e.type.lowerAscii() == 'webinar_attended') ? 15 : 0)
+ min(2 * lead.events.filter(e, e.type.lowerAscii() == 'email_open').size(), 10)
+ (lead.events.filter(e, e.type.lowerAscii() == 'email_click').size() >= 2 ? 10 : 0)
+ (lead.events.exists(e, e.type.lowerAscii() == 'content_download' && has(e.url) && e.url.lowerAscii().contains('whitepaper')) ? 10 : 0)
+ (lead.events.filter(e, e.type.lowerAscii() == 'page_view').size() >= 20 ? 5 : 0)
+ (lead.source.lowerAscii() == 'referral' ? 15 : 0)
+ (lead.source.lowerAscii() == 'paid' ? 5 : 0)
"#;

const REST: &str = r#"
  (lead.unsubscribed == true ? -50 : 0)
+ (lead.events.exists(e, e.at > cut90 && e.at <= as_of) ? 0 : -15)
+ (lead.events.exists(e, e.type.lowerAscii() == 'page_view' && has(e.url) && e.url.lowerAscii().contains('/careers')) ? -10 : 0)
+ (lead.company.name.matches('(?i)\\b(test|example)\\b') ? -40 : 0)
+ (!has(lead.title) || lead.title == '' ? -5 : 0)
"#;

/// The three programs and the leads as CEL values.
pub struct Model {
    programs: [Program; 3],
    leads: Vec<Cel>,
}

fn to_cel(v: &Value) -> Cel {
    match v {
        Value::Null => Cel::Null,
        Value::Bool(b) => Cel::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Cel::Int(i),
            None => Cel::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Cel::String(Arc::new(s.clone())),
        Value::Array(items) => Cel::List(Arc::new(items.iter().map(to_cel).collect())),
        Value::Object(map) => {
            let map: HashMap<Key, Cel> = map
                .iter()
                .map(|(k, v)| (Key::String(Arc::new(k.clone())), to_cel(v)))
                .collect();
            Cel::Map(Map { map: Arc::new(map) })
        }
    }
}

fn lower_ascii(cel::extractors::This(s): cel::extractors::This<Arc<String>>) -> String {
    s.to_lowercase()
}

impl Model {
    pub fn new(leads: &[Value]) -> Model {
        let programs = [FIT, ENGAGEMENT, REST].map(|src| Program::compile(src).expect("the CEL model compiles"));
        let leads = leads.iter().map(to_cel).collect();
        Model { programs, leads }
    }

    pub fn score(&self, i: usize) -> Scores {
        let mut ctx = Context::default();
        ctx.add_function("lowerAscii", lower_ascii);
        ctx.add_variable_from_value("lead", self.leads[i].clone());
        ctx.add_variable_from_value("as_of", "2026-11-01T00:00:00Z");
        ctx.add_variable_from_value("cut30", "2026-10-02T00:00:00Z");
        ctx.add_variable_from_value("cut90", "2026-08-03T00:00:00Z");
        let [fit, eng, rest] = [0, 1, 2].map(|k| match self.programs[k].execute(&ctx) {
            Ok(Cel::Int(x)) => x,
            other => panic!("CEL model gave {other:?} for lead {i}"),
        });
        let (fit, eng) = (fit.min(60), eng.min(100));
        let score = fit + eng + rest;
        Scores { score, tier: tier(score), fit, engagement: eng }
    }
}
