//! The Gale–Church length model, with its parameters estimated from the document pair.
//!
//! A bead of `ls` source and `lt` target characters is scored by how far `lt` is from `c·ls`
//! in standard deviations, `δ = (lt − c·ls) / sqrt(s² · (ls + lt/c) / 2)`, and costs
//! `−ln P(|Z| ≥ |δ|)` for a standard normal `Z` (Gale and Church, 1993, with the variance
//! taken over the mean of both lengths so it is symmetric). `c` is the document's own ratio of
//! target to source characters; `s²` starts from a default measured on Arabic–English news and
//! is re-estimated from the first pass's confident beads, shrunk toward the default.

/// `s²` measured on Arabic–English news (NTREX-128 gold pairs of the development half, character counts without
/// spaces and harakat): mean 2.5 target characters² per source character.
pub const DEFAULT_VARIANCE: f64 = 2.5;

/// English characters per Arabic character in translation (without spaces and harakat):
/// 1.07 on the development half of the NTREX-128 news (documents 0–39 range from 0.96 to
/// 1.25).
pub const ENGLISH_PER_ARABIC: f64 = 1.07;

/// The expected ratio of target to source characters for a language pair.
pub fn expected_ratio(source: crate::Lang, target: crate::Lang) -> f64 {
    use crate::Lang::{Ar, En};
    match (source, target) {
        (Ar, En) => ENGLISH_PER_ARABIC,
        (En, Ar) => 1.0 / ENGLISH_PER_ARABIC,
        _ => 1.0,
    }
}

/// How many beads' worth of weight the default variance keeps when re-estimating.
const PRIOR_WEIGHT: f64 = 10.0;

/// The largest `|δ|` scored; beyond it every bead is equally implausible.
const MAX_DELTA: f64 = 12.0;

/// How much wider the outliers' normal is than the main one.
pub const OUTLIER_SCALE: f64 = 3.0;

/// Parameters of the length model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LengthModel {
    /// Target characters per source character, `c`.
    pub ratio: f64,
    /// Variance per source character, `s²`.
    pub variance: f64,
}

impl LengthModel {
    /// The model of a document pair with these total lengths, default variance.
    pub fn for_totals(source_chars: f64, target_chars: f64) -> LengthModel {
        let ratio = if source_chars > 0.0 && target_chars > 0.0 {
            target_chars / source_chars
        } else {
            1.0
        };
        LengthModel {
            ratio,
            variance: DEFAULT_VARIANCE,
        }
    }

    /// Re-estimates the variance from `(ls, lt)` pairs believed to be translations.
    pub fn refined(self, pairs: impl IntoIterator<Item = (f64, f64)>) -> LengthModel {
        let c = self.ratio;
        let (mut sum, mut n) = (PRIOR_WEIGHT * DEFAULT_VARIANCE, PRIOR_WEIGHT);
        for (ls, lt) in pairs {
            let mean = (ls + lt / c) / 2.0;
            if mean > 0.0 {
                sum += (lt - c * ls).powi(2) / mean;
                n += 1.0;
            }
        }
        LengthModel {
            ratio: c,
            variance: (sum / n).max(0.1),
        }
    }

    /// `δ` of a bead.
    pub fn delta(&self, ls: f64, lt: f64) -> f64 {
        let mean = (ls + lt / self.ratio) / 2.0;
        if mean <= 0.0 {
            return 0.0;
        }
        (lt - self.ratio * ls) / (self.variance * mean).sqrt()
    }

    /// `−ln P(|Z| ≥ |δ|)`: 0 for a perfect fit, growing with the misfit. With a share
    /// `outliers` of beads drawn from a normal [`OUTLIER_SCALE`] times wider, the cost of a
    /// large misfit grows far more slowly: a headline rendered freely is not forced into a
    /// merge with its neighbour.
    pub fn cost(&self, ls: f64, lt: f64, outliers: f64) -> f64 {
        self.mixture_cost(self.delta(ls, lt), outliers)
    }

    fn mixture_cost(&self, delta: f64, outliers: f64) -> f64 {
        if outliers <= 0.0 {
            return tail_cost(delta);
        }
        let p = (1.0 - outliers) * (-tail_cost(delta)).exp()
            + outliers * (-tail_cost(delta / OUTLIER_SCALE)).exp();
        -p.ln()
    }
}

/// [`LengthModel::cost`] as a function of `δ` alone, tabulated: the aligner asks for it
/// millions of times, and `erfc`, `exp` and `ln` dominated its profile.
#[derive(Clone, Debug)]
pub struct CostTable {
    /// Cost at `|δ| = k / STEPS_PER_UNIT`, up to [`MAX_DELTA`].
    values: Vec<f64>,
}

/// Table entries per standard deviation: linear interpolation is then exact to about 1e-6.
const STEPS_PER_UNIT: f64 = 256.0;

impl CostTable {
    /// The table for a share `outliers` of beads from the wider normal.
    pub fn new(outliers: f64) -> CostTable {
        let unit = LengthModel {
            ratio: 1.0,
            variance: 1.0,
        };
        let steps = (MAX_DELTA * STEPS_PER_UNIT) as usize;
        let values = (0..=steps + 1)
            .map(|k| {
                let delta = k as f64 / STEPS_PER_UNIT;
                unit.mixture_cost(delta, outliers)
            })
            .collect();
        CostTable { values }
    }

    /// The cost of a bead whose misfit is `delta` standard deviations.
    pub fn cost(&self, delta: f64) -> f64 {
        let x = delta.abs().min(MAX_DELTA) * STEPS_PER_UNIT;
        let k = x as usize;
        let f = x - k as f64;
        self.values[k] * (1.0 - f) + self.values[k + 1] * f
    }
}

/// `−ln(2·(1 − Φ(|δ|)))`, that is `−ln erfc(|δ|/√2)`.
pub fn tail_cost(delta: f64) -> f64 {
    let x = delta.abs().min(MAX_DELTA) / std::f64::consts::SQRT_2;
    -libm::erfc(x).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_perfect_fit_costs_nothing_and_misfits_cost_more() {
        let m = LengthModel {
            ratio: 1.1,
            variance: 2.4,
        };
        assert!(m.cost(100.0, 110.0, 0.0) < 1e-9);
        let near = m.cost(100.0, 120.0, 0.0);
        let far = m.cost(100.0, 160.0, 0.0);
        assert!(0.0 < near && near < far, "{near} {far}");
        // too short and too long both cost
        assert!(m.cost(100.0, 90.0, 0.0) > 0.5);
    }

    #[test]
    fn outliers_soften_only_large_misfits() {
        let m = LengthModel {
            ratio: 1.0,
            variance: 2.5,
        };
        let close = (m.cost(100.0, 105.0, 0.0), m.cost(100.0, 105.0, 0.1));
        assert!((close.0 - close.1).abs() < 0.2, "{close:?}");
        let far = (m.cost(100.0, 160.0, 0.0), m.cost(100.0, 160.0, 0.1));
        assert!(far.1 < 0.6 * far.0, "{far:?}");
        assert!(far.1 > close.1);
    }

    #[test]
    fn the_table_agrees_with_the_formula() {
        let model = LengthModel {
            ratio: 1.3,
            variance: 2.5,
        };
        for outliers in [0.0, 0.1] {
            let table = CostTable::new(outliers);
            for (ls, lt) in [
                (100.0, 130.0),
                (100.0, 90.0),
                (40.0, 200.0),
                (0.0, 5.0),
                (7.0, 0.0),
            ] {
                let exact = model.cost(ls, lt, outliers);
                let fast = table.cost(model.delta(ls, lt));
                assert!((exact - fast).abs() < 1e-5, "{ls} {lt}: {exact} vs {fast}");
            }
        }
    }

    #[test]
    fn two_sided_tail_matches_the_normal_table() {
        // P(|Z| >= 1.96) = 0.05
        assert!((tail_cost(1.96) - (-(0.05f64).ln())).abs() < 1e-3);
    }

    #[test]
    fn ratio_comes_from_the_document_and_variance_from_its_pairs() {
        let m = LengthModel::for_totals(1000.0, 1200.0);
        assert!((m.ratio - 1.2).abs() < 1e-12);
        assert_eq!(m.variance, DEFAULT_VARIANCE);
        let tight = m.refined((0..200).map(|_| (100.0, 120.0)));
        assert!(tight.variance < 0.2, "{}", tight.variance);
        let loose = m.refined((0..200).map(|k| (100.0, if k % 2 == 0 { 100.0 } else { 140.0 })));
        assert!(loose.variance > DEFAULT_VARIANCE);
    }
}
