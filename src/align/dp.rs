//! Dynamic programming over a banded alignment lattice.
//!
//! Cell `(i, j)` means "the first `i` source and `j` target sentences are aligned". A bead of
//! type `(di, dj)` leads from `(i, j)` to `(i + di, j + dj)` at a cost (a negative log
//! probability). [`decode`] finds the cheapest path (Viterbi) and, on request, every bead's
//! posterior probability by the forward–backward algorithm; both visit only the cells of a
//! [`Band`], so time and memory grow linearly with the document when the band width is fixed.

/// A set of lattice cells: for each row `i` (source sentences consumed) a column range.
#[derive(Clone, Debug)]
pub struct Band {
    n: usize,
    m: usize,
    lo: Vec<usize>,
    hi: Vec<usize>,
    offset: Vec<usize>,
}

impl Band {
    /// Every cell of the `(n + 1) × (m + 1)` lattice.
    pub fn full(n: usize, m: usize) -> Band {
        Band::from_ranges(n, m, vec![0; n + 1], vec![m; n + 1])
    }

    /// Cells within `width` columns of the straight diagonal from `(0, 0)` to `(n, m)`.
    pub fn diagonal(n: usize, m: usize, width: usize) -> Band {
        let centre = |i: usize| (i * m + n / 2).checked_div(n).unwrap_or(0);
        let lo = (0..=n).map(|i| centre(i).saturating_sub(width)).collect();
        let hi = (0..=n).map(|i| (centre(i) + width).min(m)).collect();
        Band::from_ranges(n, m, lo, hi)
    }

    /// Cells within `width` columns of a path of cells (a previous pass's alignment).
    pub fn around(n: usize, m: usize, path: &[(usize, usize)], width: usize) -> Band {
        let mut lo = vec![usize::MAX; n + 1];
        let mut hi = vec![0; n + 1];
        for pair in path.windows(2) {
            let ((i0, j0), (i1, j1)) = (pair[0], pair[1]);
            for i in i0..=i1 {
                lo[i] = lo[i].min(j0);
                hi[i] = hi[i].max(j1);
            }
        }
        lo[0] = 0;
        hi[n] = m;
        for i in 0..=n {
            if lo[i] == usize::MAX {
                lo[i] = if i > 0 { lo[i - 1] } else { 0 };
                hi[i] = hi[i].max(lo[i]);
            }
            lo[i] = lo[i].saturating_sub(width);
            hi[i] = (hi[i] + width).min(m);
        }
        Band::from_ranges(n, m, lo, hi)
    }

    fn from_ranges(n: usize, m: usize, mut lo: Vec<usize>, mut hi: Vec<usize>) -> Band {
        // monotone edges keep the band connected: lo never decreases, hi never decreases
        for i in (0..n).rev() {
            lo[i] = lo[i].min(lo[i + 1]);
        }
        for i in 1..=n {
            hi[i] = hi[i].max(hi[i - 1]);
        }
        lo[0] = 0;
        hi[n] = m;
        // connected: every row reaches the column where the next one starts
        for i in 1..=n {
            hi[i - 1] = hi[i - 1].max(lo[i]);
        }
        let mut offset = Vec::with_capacity(n + 2);
        let mut total = 0;
        for i in 0..=n {
            offset.push(total);
            total += hi[i] - lo[i] + 1;
        }
        offset.push(total);
        Band {
            n,
            m,
            lo,
            hi,
            offset,
        }
    }

    /// The same band with `extra` more columns either side of every row.
    pub fn widened(&self, extra: usize) -> Band {
        let lo = self.lo.iter().map(|&l| l.saturating_sub(extra)).collect();
        let hi = self.hi.iter().map(|&h| (h + extra).min(self.m)).collect();
        Band::from_ranges(self.n, self.m, lo, hi)
    }

    /// The rows whose range holds column `j` (contiguous, as both edges are monotone).
    pub fn column(&self, j: usize) -> std::ops::Range<usize> {
        let first = self.hi.partition_point(|&h| h < j);
        let end = self.lo.partition_point(|&l| l <= j);
        first..end.max(first)
    }

    /// Number of cells.
    pub fn cells(&self) -> usize {
        self.offset[self.n + 1]
    }

    /// The column range of row `i`.
    pub fn row(&self, i: usize) -> std::ops::RangeInclusive<usize> {
        self.lo[i]..=self.hi[i]
    }

    /// The first and last column of row `i`.
    pub fn row_bounds(&self, i: usize) -> (usize, usize) {
        (self.lo[i], self.hi[i])
    }

    /// Storage index of cell `(i, j)`, if it is in the band.
    #[inline]
    pub fn index(&self, i: usize, j: usize) -> Option<usize> {
        if i > self.n || j < self.lo[i] || j > self.hi[i] {
            return None;
        }
        Some(self.offset[i] + j - self.lo[i])
    }

    /// True when `(i, j)` lies on an edge of the band that is not an edge of the lattice:
    /// a path through it may have been squeezed, and a wider band could find a better one.
    pub fn on_inner_edge(&self, i: usize, j: usize) -> bool {
        (j == self.lo[i] && j > 0) || (j == self.hi[i] && j < self.m)
    }
}

/// A bead shape and its prior cost.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub di: usize,
    pub dj: usize,
}

/// One bead of a decoded path: it starts at cell `(i, j)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub i: usize,
    pub j: usize,
    pub di: usize,
    pub dj: usize,
    /// Posterior probability of this bead (1.0 when posteriors were not asked for).
    pub posterior: f64,
}

/// The result of decoding.
#[derive(Debug)]
pub struct Decoded {
    pub steps: Vec<Step>,
    /// The best path touched an inner edge of the band.
    pub squeezed: bool,
}

/// Finds the cheapest path through `band` with beads of `shapes`, whose cost from cell `(i, j)`
/// is `cost(i, j, shape_index)` (infinite for an impossible bead). With `posteriors`, each bead
/// of the path also gets its posterior probability, the costs divided by `temperature`; the
/// backward sums for those run on a second thread beside the forward pass.
pub fn decode(
    band: &Band,
    shapes: &[Shape],
    cost: impl Fn(usize, usize, usize) -> f64 + Sync,
    posteriors: bool,
    temperature: f64,
) -> Decoded {
    if !posteriors {
        return if band.n >= HALVES_FROM {
            viterbi_in_halves(band, shapes, &cost)
        } else {
            forward(band, shapes, &cost, None, temperature)
        };
    }
    std::thread::scope(|scope| {
        let beta = scope.spawn(|| backward(band, shapes, &cost, temperature));
        forward(band, shapes, &cost, Some(beta), temperature)
    })
}

/// The forward pass: best path and, when the backward sums are coming, posteriors.
fn forward(
    band: &Band,
    shapes: &[Shape],
    cost: &(impl Fn(usize, usize, usize) -> f64 + Sync),
    beta: Option<std::thread::ScopedJoinHandle<'_, Vec<f64>>>,
    temperature: f64,
) -> Decoded {
    let posteriors = beta.is_some();
    let (n, m) = (band.n, band.m);
    let cells = band.cells();
    let mut best = vec![f64::INFINITY; cells];
    let mut back = vec![u8::MAX; cells];
    let mut alpha = if posteriors {
        vec![f64::NEG_INFINITY; cells]
    } else {
        Vec::new()
    };
    let origin = band.index(0, 0).expect("the band holds the origin");
    best[origin] = 0.0;
    if posteriors {
        alpha[origin] = 0.0;
    }
    let mut terms = [0.0f64; 16];
    for i in 0..=n {
        for j in band.row(i) {
            if i == 0 && j == 0 {
                continue;
            }
            let here = band.index(i, j).expect("in band");
            let mut count = 0;
            for (k, s) in shapes.iter().enumerate() {
                if i < s.di || j < s.dj {
                    continue;
                }
                let Some(from) = band.index(i - s.di, j - s.dj) else {
                    continue;
                };
                if best[from].is_infinite() {
                    continue;
                }
                let c = cost(i - s.di, j - s.dj, k);
                if !c.is_finite() {
                    continue;
                }
                if best[from] + c < best[here] {
                    best[here] = best[from] + c;
                    back[here] = k as u8;
                }
                if posteriors {
                    terms[count] = alpha[from] - c / temperature;
                    count += 1;
                }
            }
            if posteriors {
                alpha[here] = log_sum_exp(&terms[..count]);
            }
        }
    }

    // back-trace the best path
    let mut steps = Vec::new();
    let (mut i, mut j) = (n, m);
    let mut squeezed = false;
    while i > 0 || j > 0 {
        let here = band.index(i, j).expect("path stays in band");
        squeezed |= band.on_inner_edge(i, j);
        let k = back[here] as usize;
        let s = shapes[k];
        i -= s.di;
        j -= s.dj;
        steps.push(Step {
            i,
            j,
            di: s.di,
            dj: s.dj,
            posterior: 1.0,
        });
    }
    steps.reverse();

    if let Some(beta) = beta {
        let beta = beta.join().expect("backward pass thread");
        let z = alpha[band.index(n, m).expect("end in band")];
        for step in &mut steps {
            let from = band.index(step.i, step.j).expect("in band");
            let to = band
                .index(step.i + step.di, step.j + step.dj)
                .expect("in band");
            let k = shapes
                .iter()
                .position(|s| s.di == step.di && s.dj == step.dj)
                .expect("known shape");
            let c = cost(step.i, step.j, k) / temperature;
            step.posterior = (alpha[from] - c + beta[to] - z).exp().clamp(0.0, 1.0);
        }
    }
    Decoded { steps, squeezed }
}

/// Rows from which [`decode`] without posteriors searches the two halves of the lattice on
/// two threads.
const HALVES_FROM: usize = 64;

/// The cheapest path, found from both ends at once: one thread finds the cheapest way to each
/// cell of the first half (and a few rows beyond), the other the cheapest way from each cell of
/// the second half to the end; every path crosses the middle rows, so the cheapest path goes
/// through the middle cell whose two costs sum least. The same path as [`forward`]'s, unless
/// two paths cost exactly the same.
fn viterbi_in_halves(
    band: &Band,
    shapes: &[Shape],
    cost: &(impl Fn(usize, usize, usize) -> f64 + Sync),
) -> Decoded {
    let (n, m) = (band.n, band.m);
    let reach = shapes.iter().map(|s| s.di).max().unwrap_or(1).max(1);
    let mid = n / 2;
    // rows mid..mid + reach: a bead never jumps over all of them
    let last_forward = (mid + reach - 1).min(n);
    let ((to_cost, back), (from_cost, next)) = std::thread::scope(|scope| {
        let second = scope.spawn(|| cheapest_from(band, shapes, cost, mid));
        let first = cheapest_to(band, shapes, cost, last_forward);
        (first, second.join().expect("second half thread"))
    });
    // the middle cell the cheapest path goes through
    let mut meet = None;
    let mut least = f64::INFINITY;
    for i in mid..=last_forward {
        for j in band.row(i) {
            let k = band.index(i, j).expect("in band");
            let total = to_cost[k] + from_cost[k];
            if total < least {
                least = total;
                meet = Some((i, j));
            }
        }
    }
    let Some((mi, mj)) = meet else {
        return Decoded {
            steps: Vec::new(),
            squeezed: false,
        };
    };
    // back from the middle cell to the origin, then on from it to the end
    let mut steps = Vec::new();
    let (mut i, mut j) = (mi, mj);
    while i > 0 || j > 0 {
        let s = shapes[back[band.index(i, j).expect("path stays in band")] as usize];
        i -= s.di;
        j -= s.dj;
        steps.push(Step {
            i,
            j,
            di: s.di,
            dj: s.dj,
            posterior: 1.0,
        });
    }
    steps.reverse();
    let (mut i, mut j) = (mi, mj);
    while i < n || j < m {
        let s = shapes[next[band.index(i, j).expect("path stays in band")] as usize];
        steps.push(Step {
            i,
            j,
            di: s.di,
            dj: s.dj,
            posterior: 1.0,
        });
        i += s.di;
        j += s.dj;
    }
    let squeezed = steps
        .iter()
        .any(|s| band.on_inner_edge(s.i + s.di, s.j + s.dj));
    Decoded { steps, squeezed }
}

/// The cost of the cheapest path from the origin to each cell of rows `0..=last`, and the
/// shape of its last bead.
fn cheapest_to(
    band: &Band,
    shapes: &[Shape],
    cost: &impl Fn(usize, usize, usize) -> f64,
    last: usize,
) -> (Vec<f64>, Vec<u8>) {
    let mut best = vec![f64::INFINITY; band.cells()];
    let mut back = vec![u8::MAX; band.cells()];
    best[band.index(0, 0).expect("the band holds the origin")] = 0.0;
    for i in 0..=last {
        for j in band.row(i) {
            if i == 0 && j == 0 {
                continue;
            }
            let here = band.index(i, j).expect("in band");
            for (k, s) in shapes.iter().enumerate() {
                if i < s.di || j < s.dj {
                    continue;
                }
                let Some(from) = band.index(i - s.di, j - s.dj) else {
                    continue;
                };
                if best[from].is_infinite() {
                    continue;
                }
                let c = cost(i - s.di, j - s.dj, k);
                if c.is_finite() && best[from] + c < best[here] {
                    best[here] = best[from] + c;
                    back[here] = k as u8;
                }
            }
        }
    }
    (best, back)
}

/// The cost of the cheapest path from each cell of rows `first..=n` to the end, and the shape
/// of its first bead.
fn cheapest_from(
    band: &Band,
    shapes: &[Shape],
    cost: &impl Fn(usize, usize, usize) -> f64,
    first: usize,
) -> (Vec<f64>, Vec<u8>) {
    let (n, m) = (band.n, band.m);
    let mut best = vec![f64::INFINITY; band.cells()];
    let mut next = vec![u8::MAX; band.cells()];
    best[band.index(n, m).expect("end in band")] = 0.0;
    for i in (first..=n).rev() {
        for j in band.row(i).rev() {
            if i == n && j == m {
                continue;
            }
            let here = band.index(i, j).expect("in band");
            for (k, s) in shapes.iter().enumerate() {
                let Some(to) = band.index(i + s.di, j + s.dj) else {
                    continue;
                };
                if j + s.dj > m || best[to].is_infinite() {
                    continue;
                }
                let c = cost(i, j, k);
                if c.is_finite() && c + best[to] < best[here] {
                    best[here] = c + best[to];
                    next[here] = k as u8;
                }
            }
        }
    }
    (best, next)
}

/// Backward log-probabilities: `beta[(i, j)]` sums over all paths from `(i, j)` to the end.
fn backward(
    band: &Band,
    shapes: &[Shape],
    cost: &impl Fn(usize, usize, usize) -> f64,
    temperature: f64,
) -> Vec<f64> {
    let (n, m) = (band.n, band.m);
    let mut beta = vec![f64::NEG_INFINITY; band.cells()];
    beta[band.index(n, m).expect("end in band")] = 0.0;
    let mut terms = [0.0f64; 16];
    for i in (0..=n).rev() {
        for j in band.row(i).rev() {
            if i == n && j == m {
                continue;
            }
            let here = band.index(i, j).expect("in band");
            let mut count = 0;
            for (k, s) in shapes.iter().enumerate() {
                let Some(to) = band.index(i + s.di, j + s.dj) else {
                    continue;
                };
                if j + s.dj > m || beta[to] == f64::NEG_INFINITY {
                    continue;
                }
                let c = cost(i, j, k);
                if !c.is_finite() {
                    continue;
                }
                terms[count] = beta[to] - c / temperature;
                count += 1;
            }
            beta[here] = log_sum_exp(&terms[..count]);
        }
    }
    beta
}

fn log_sum_exp(xs: &[f64]) -> f64 {
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return max;
    }
    max + xs.iter().map(|x| (x - max).exp()).sum::<f64>().ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHAPES: [Shape; 4] = [
        Shape { di: 1, dj: 1 },
        Shape { di: 1, dj: 0 },
        Shape { di: 0, dj: 1 },
        Shape { di: 2, dj: 1 },
    ];

    #[test]
    fn bands_hold_both_corners_and_stay_connected() {
        for band in [
            Band::full(3, 5),
            Band::diagonal(10, 4, 1),
            Band::diagonal(4, 10, 0),
        ] {
            assert!(band.index(0, 0).is_some());
            assert!(band.index(band.n, band.m).is_some());
            for i in 1..=band.n {
                assert!(band.lo[i] <= band.hi[i - 1] + 1);
            }
        }
        assert_eq!(Band::full(3, 5).cells(), 24);
        let band = Band::diagonal(10, 10, 2);
        for j in 0..=10 {
            for i in 0..=10 {
                assert_eq!(
                    band.column(j).contains(&i),
                    band.index(i, j).is_some(),
                    "({i}, {j})"
                );
            }
        }
        assert!(Band::diagonal(1000, 1000, 10).cells() < 21 * 1001);
    }

    #[test]
    fn the_cheapest_path_is_found_with_its_posteriors() {
        // 3 source, 2 target sentences; sentences 0+1 of the source form one bead with target 0
        let cost = |i: usize, j: usize, k: usize| match (i, j, k) {
            (0, 0, 3) => 0.5,
            (2, 1, 0) => 0.5,
            (_, _, 0) => 4.0,
            _ => 6.0,
        };
        let decoded = decode(&Band::full(3, 2), &SHAPES, cost, true, 1.0);
        let shapes: Vec<(usize, usize, usize, usize)> = decoded
            .steps
            .iter()
            .map(|s| (s.i, s.j, s.di, s.dj))
            .collect();
        assert_eq!(shapes, [(0, 0, 2, 1), (2, 1, 1, 1)]);
        for s in &decoded.steps {
            assert!(s.posterior > 0.9 && s.posterior <= 1.0, "{s:?}");
        }
    }

    #[test]
    fn ambiguity_shows_in_the_posterior() {
        // two equally cheap paths: each of their beads has a posterior near one half
        // path A: 2-1 then 1-1; path B: 1-1, 1-0, 1-1; both cost 1.5
        let cost = |i: usize, j: usize, k: usize| match (i, j, k) {
            (0, 0, 3) => 1.0,
            (0, 0, 0) | (1, 1, 1) | (2, 1, 0) => 0.5,
            _ => 20.0,
        };
        let decoded = decode(&Band::full(3, 2), &SHAPES, cost, true, 1.0);
        let first = decoded.steps[0];
        assert!(first.posterior > 0.3 && first.posterior < 0.7, "{first:?}");
    }

    #[test]
    fn the_two_halves_find_the_path_the_forward_pass_finds() {
        // the aligner's eight shapes, random costs (some impossible), lattices of several
        // shapes and bands, a few squeezed against the band's edge
        let shapes: Vec<Shape> = crate::align::SHAPES
            .iter()
            .map(|&(di, dj)| Shape { di, dj })
            .collect();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for (n, m, width) in [
            (64, 64, 3),
            (100, 80, 12),
            (151, 203, 6),
            (300, 290, 1),
            (97, 300, 40),
        ] {
            let noise: Vec<f64> = (0..(n + 1) * (m + 1) * shapes.len())
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    (seed % 10_000) as f64 / 1000.0
                })
                .collect();
            let cost = |i: usize, j: usize, k: usize| {
                let x = noise[(i * (m + 1) + j) * shapes.len() + k];
                if x > 9.5 { f64::INFINITY } else { x }
            };
            let band = Band::diagonal(n, m, width);
            let halves = viterbi_in_halves(&band, &shapes, &cost);
            let plain = forward(&band, &shapes, &cost, None, 1.0);
            assert_eq!(halves.steps, plain.steps, "{n} × {m}, width {width}");
            assert_eq!(halves.squeezed, plain.squeezed, "{n} × {m}, width {width}");
        }
    }

    #[test]
    fn a_squeezed_path_is_reported() {
        // the only cheap path runs along row 0 then down: far from the diagonal
        let cost = |i: usize, _j: usize, k: usize| match (i, k) {
            (0, 2) => 0.1,
            (_, 1) => 0.1,
            _ => 50.0,
        };
        let decoded = decode(&Band::diagonal(6, 6, 1), &SHAPES, cost, false, 1.0);
        assert!(decoded.squeezed);
        let wide = decode(&Band::full(6, 6), &SHAPES, cost, false, 1.0);
        assert!(!wide.squeezed);
    }
}
