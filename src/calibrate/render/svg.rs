//! Hand-written SVG charts: a plot frame with axes and ticks, lines, bars
//! and dots. Every chart is one `<svg class="chart" data-chart="NAME">` of
//! a fixed size, so the HTML page lays them out on a known grid.

use std::fmt::Write;

/// Width of every chart, in CSS pixels.
pub const WIDTH: f64 = 460.0;
/// Height of every chart, in CSS pixels.
pub const HEIGHT: f64 = 300.0;
/// The main series' colour.
pub const BLUE: &str = "#1f6fb4";
/// The second series' colour.
pub const ORANGE: &str = "#e8711a";
/// Reference lines.
pub const GREY: &str = "#999999";

const LEFT: f64 = 56.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 44.0;

/// One chart being drawn: data ranges mapped onto the plot area.
pub struct Chart {
    name: &'static str,
    x: (f64, f64),
    y: (f64, f64),
    body: String,
}

impl Chart {
    /// A chart titled `title` over data ranges `x` and `y`, with axis labels.
    pub fn new(
        name: &'static str,
        title: &str,
        x: (f64, f64),
        y: (f64, f64),
        labels: (&str, &str),
    ) -> Chart {
        let x = widen(x);
        let y = widen(y);
        let mut c = Chart {
            name,
            x,
            y,
            body: String::new(),
        };
        c.frame(title, labels);
        c
    }

    fn px(&self, v: f64) -> f64 {
        LEFT + (v - self.x.0) / (self.x.1 - self.x.0) * (WIDTH - LEFT - RIGHT)
    }

    fn py(&self, v: f64) -> f64 {
        HEIGHT - BOTTOM - (v - self.y.0) / (self.y.1 - self.y.0) * (HEIGHT - TOP - BOTTOM)
    }

    fn frame(&mut self, title: &str, (xl, yl): (&str, &str)) {
        let (x0, x1, y0, y1) = (LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM);
        let _ = write!(
            self.body,
            r##"<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff" stroke="#dddddd"/><text x="{LEFT}" y="18" font-size="13" font-weight="bold">{}</text><path d="M{x0},{y0}V{y1}H{x1}" fill="none" stroke="#333333"/><text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text><text x="12" y="{}" font-size="11" text-anchor="middle" transform="rotate(-90 12 {})">{}</text>"##,
            esc(title),
            (x0 + x1) / 2.0,
            HEIGHT - 8.0,
            esc(xl),
            (y0 + y1) / 2.0,
            (y0 + y1) / 2.0,
            esc(yl)
        );
        for i in 0..=4 {
            let f = f64::from(i) / 4.0;
            let (vx, vy) = (
                self.x.0 + f * (self.x.1 - self.x.0),
                self.y.0 + f * (self.y.1 - self.y.0),
            );
            let (tx, ty) = (self.px(vx), self.py(vy));
            let _ = write!(
                self.body,
                r##"<text x="{tx:.1}" y="{:.1}" font-size="10" text-anchor="middle">{}</text><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end">{}</text><path d="M{x0},{ty:.1}H{x1}" stroke="#eeeeee"/>"##,
                y1 + 14.0,
                tick(vx),
                x0 - 4.0,
                ty + 3.0,
                tick(vy)
            );
        }
    }

    /// A polyline through data points.
    pub fn line(&mut self, points: &[[f64; 2]], colour: &str, dashed: bool) {
        let d: Vec<String> = points
            .iter()
            .map(|p| format!("{:.1},{:.1}", self.px(p[0]), self.py(p[1])))
            .collect();
        let dash = if dashed {
            r#" stroke-dasharray="4 3""#
        } else {
            ""
        };
        let _ = write!(
            self.body,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>"#,
            d.join(" ")
        );
    }

    /// A bar from `x0` to `x1` (data units) up to `height`.
    pub fn bar(&mut self, x0: f64, x1: f64, height: f64, colour: &str) {
        let (left, right) = (self.px(x0), self.px(x1));
        let (top, base) = (self.py(height), self.py(self.y.0));
        let _ = write!(
            self.body,
            r#"<rect x="{left:.1}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="{colour}"/>"#,
            (right - left).max(1.0),
            (base - top).max(0.0)
        );
    }

    /// A dot at a data point.
    pub fn dot(&mut self, x: f64, y: f64, colour: &str) {
        let _ = write!(
            self.body,
            r#"<circle cx="{:.1}" cy="{:.1}" r="4" fill="{colour}"/>"#,
            self.px(x),
            self.py(y)
        );
    }

    /// A legend entry (the `n`th, top right).
    pub fn legend(&mut self, n: usize, text: &str, colour: &str) {
        let y = TOP + 6.0 + 14.0 * n as f64;
        let x = WIDTH - RIGHT - 150.0;
        let _ = write!(
            self.body,
            r#"<rect x="{x}" y="{}" width="10" height="10" fill="{colour}"/><text x="{}" y="{}" font-size="10">{}</text>"#,
            y - 8.0,
            x + 14.0,
            y + 1.0,
            esc(text)
        );
    }

    /// The finished `<svg>` element.
    pub fn finish(self) -> String {
        format!(
            r#"<svg class="chart" data-chart="{}" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif">{}</svg>"#,
            self.name, self.body
        )
    }
}

/// A range with room: an empty range becomes one unit wide.
fn widen((lo, hi): (f64, f64)) -> (f64, f64) {
    if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    }
}

fn tick(v: f64) -> String {
    if v.abs() >= 10.0 || v == v.round() {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// Escapes text for HTML and SVG.
pub fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_maps_data_onto_its_plot_area() {
        let mut c = Chart::new("t", "A & B", (0.0, 1.0), (0.0, 1.0), ("x", "y"));
        c.line(&[[0.0, 0.0], [1.0, 1.0]], BLUE, false);
        let svg = c.finish();
        assert!(svg.starts_with(r#"<svg class="chart" data-chart="t""#));
        assert!(svg.contains("A &amp; B"));
        let from = format!("{LEFT:.1},{:.1}", HEIGHT - BOTTOM);
        let to = format!("{:.1},{TOP:.1}", WIDTH - RIGHT);
        assert!(svg.contains(&format!(r#"points="{from} {to}""#)), "{svg}");
    }
}
