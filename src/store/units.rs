//! Reading units: the aligned pairs, with their document, review status and history fields.

use std::ops::Range;

use rusqlite::{OptionalExtension, Row, ToSql};
use serde::{Deserialize, Serialize};

use super::{Memory, Status};
use crate::error::{Error, Result};

/// Consecutive ids [`Memory::for_each_sampled_unit`] reads together.
pub const SAMPLE_RUN: u64 = 16;

/// An aligned pair as stored: one or more source sentences and their translation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub id: i64,
    /// Name of the document the unit belongs to.
    pub document: String,
    /// Order of the unit in its document (0-based; gaps may appear after edits).
    pub position: i64,
    /// Source sentence indices the unit covers (none for units imported without a document).
    #[serde(rename = "source_sentences", with = "sentence_list")]
    pub source_range: Option<Range<usize>>,
    /// Target sentence indices the unit covers.
    #[serde(rename = "target_sentences", with = "sentence_list")]
    pub target_range: Option<Range<usize>>,
    pub source: String,
    pub target: String,
    /// Alignment confidence in [0, 1] (none for units typed or imported without one).
    pub score: Option<f64>,
    pub status: Status,
    pub note: Option<String>,
    pub created: String,
    pub created_by: String,
    pub changed: String,
    pub changed_by: String,
    /// Grows with every change to the unit (undo included); a write that names the revision it
    /// read is refused once the unit has moved on ([`Error::Stale`]).
    #[serde(default = "first_revision")]
    pub revision: i64,
}

fn first_revision() -> i64 {
    1
}

/// A document's units counted by status, and those scoring under a threshold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocumentCounts {
    pub units: usize,
    pub statuses: std::collections::HashMap<Status, usize>,
    pub low_score: usize,
}

/// Which units to read, in which order, and which page of them. The default reads every unit
/// in document order.
#[derive(Clone, Debug, Default)]
pub struct UnitFilter {
    pub document: Option<String>,
    /// Any of these statuses (all when empty).
    pub statuses: Vec<Status>,
    /// Only units whose score is at least this.
    pub min_score: Option<f64>,
    /// Only units whose score is below this (`min_score` and `max_score` make a half-open
    /// interval; units without a score are left out by either).
    pub max_score: Option<f64>,
    pub sort: UnitSort,
    /// Skip this many of the selected units (for paging).
    pub offset: Option<usize>,
    /// At most this many units.
    pub limit: Option<usize>,
}

/// The order in which units are read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnitSort {
    /// Document by document (in the order they were stored), each in its own order.
    #[default]
    Position,
    /// Lowest score first (units without a score last), then in document order: the pairs that
    /// most need a reviewer's attention first.
    Score,
    /// Latest changed first.
    Changed,
}

impl UnitSort {
    fn order_by(self) -> &'static str {
        match self {
            UnitSort::Position => "u.document_id, u.position, u.id",
            UnitSort::Score => "u.score IS NULL, u.score, u.document_id, u.position, u.id",
            UnitSort::Changed => "u.changed DESC, u.id DESC",
        }
    }
}

pub(crate) const UNIT_COLUMNS: &str = "u.id, d.name, u.position, u.source_start, u.source_end, \
     u.target_start, u.target_end, u.source, u.target, u.score, u.status, u.note, u.created, \
     u.created_by, u.changed, u.changed_by, u.revision";

pub(crate) fn unit_from_row(r: &Row) -> rusqlite::Result<Unit> {
    let range = |a: Option<i64>, b: Option<i64>| match (a, b) {
        (Some(a), Some(b)) => Some(a as usize..b as usize),
        _ => None,
    };
    let status: String = r.get(10)?;
    Ok(Unit {
        id: r.get(0)?,
        document: r.get(1)?,
        position: r.get(2)?,
        source_range: range(r.get(3)?, r.get(4)?),
        target_range: range(r.get(5)?, r.get(6)?),
        source: r.get(7)?,
        target: r.get(8)?,
        score: r.get(9)?,
        status: status.parse().map_err(|e: Error| {
            rusqlite::Error::FromSqlConversionFailure(10, rusqlite::types::Type::Text, e.into())
        })?,
        note: r.get(11)?,
        created: r.get(12)?,
        created_by: r.get(13)?,
        changed: r.get(14)?,
        changed_by: r.get(15)?,
        revision: r.get(16)?,
    })
}

impl Memory {
    /// The unit with this id.
    pub fn unit(&self, id: i64) -> Result<Unit> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {UNIT_COLUMNS} FROM units u JOIN documents d ON d.id = u.document_id WHERE u.id = ?1"
                ),
                [id],
                unit_from_row,
            )
            .optional()
            .map_err(|e| self.fail(e))?
            .ok_or(Error::UnknownUnit(id))
    }

    /// The units the filter selects, in its order and page.
    pub fn units(&self, filter: &UnitFilter) -> Result<Vec<Unit>> {
        let mut out = Vec::new();
        self.for_each_unit(filter, |u| {
            out.push(u);
            Ok(())
        })?;
        Ok(out)
    }

    /// Calls `f` with each selected unit in the filter's order, without holding them all in
    /// memory.
    pub fn for_each_unit(
        &self,
        filter: &UnitFilter,
        mut f: impl FnMut(Unit) -> Result<()>,
    ) -> Result<()> {
        if let Some(name) = &filter.document {
            self.document_id(name)?;
        }
        let (conditions, args) = filter_clause(filter);
        let mut sql = format!(
            "SELECT {UNIT_COLUMNS} FROM units u JOIN documents d ON d.id = u.document_id WHERE 1{conditions}"
        );
        sql += " ORDER BY ";
        sql += filter.sort.order_by();
        match (filter.limit, filter.offset) {
            (Some(limit), offset) => {
                sql += &format!(" LIMIT {limit} OFFSET {}", offset.unwrap_or(0))
            }
            (None, Some(offset)) => sql += &format!(" LIMIT -1 OFFSET {offset}"),
            (None, None) => {}
        }
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.fail(e))?;
        let params: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
        let mut rows = stmt.query(params.as_slice()).map_err(|e| self.fail(e))?;
        while let Some(row) = rows.next().map_err(|e| self.fail(e))? {
            f(unit_from_row(row).map_err(|e| self.fail(e))?)?;
        }
        Ok(())
    }

    /// How many units the filter selects, whatever its `offset` and `limit` (for paging).
    pub fn count_units(&self, filter: &UnitFilter) -> Result<u64> {
        if let Some(name) = &filter.document {
            self.document_id(name)?;
        }
        let (conditions, args) = filter_clause(filter);
        let sql = format!(
            "SELECT count(*) FROM units u JOIN documents d ON d.id = u.document_id WHERE 1{conditions}"
        );
        let params: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
        let n: i64 = self
            .conn
            .query_row(&sql, params.as_slice(), |r| r.get(0))
            .map_err(|e| self.fail(e))?;
        Ok(n as u64)
    }

    /// Per document (by id): how many units it has of each status, and how many score under
    /// `low` — one pass of SQL over the units.
    pub fn document_counts(
        &self,
        low: f64,
    ) -> Result<std::collections::HashMap<i64, DocumentCounts>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT document_id, status, count(*), sum(score < ?1) FROM units
                 GROUP BY document_id, status",
            )
            .map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map([low], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                ))
            })
            .map_err(|e| self.fail(e))?;
        let mut out: std::collections::HashMap<i64, DocumentCounts> = Default::default();
        for row in rows {
            let (document, status, n, weak) = row.map_err(|e| self.fail(e))?;
            let counts = out.entry(document).or_default();
            if let Ok(status) = status.parse::<Status>() {
                counts.statuses.insert(status, n as usize);
            }
            counts.units += n as usize;
            counts.low_score += weak.unwrap_or(0) as usize;
        }
        Ok(out)
    }

    /// The unit with this id as an export reads it: with its document's languages, its
    /// inline markup and TMX extras.
    pub fn export_unit(&self, id: i64) -> Result<super::ExportUnit> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {UNIT_COLUMNS}, d.source_lang, d.target_lang, u.source_markup,
                        u.target_markup, u.tmx_extras
                 FROM units u JOIN documents d ON d.id = u.document_id WHERE u.id = ?1"
            ))
            .map_err(|e| self.fail(e))?;
        stmt.query_row([id], |r| {
            Ok(super::ExportUnit {
                unit: unit_from_row(r)?,
                source_lang: r.get(17)?,
                target_lang: r.get(18)?,
                source_markup: r.get(19)?,
                target_markup: r.get(20)?,
                tmx_extras: r.get(21)?,
            })
        })
        .optional()
        .map_err(|e| self.fail(e))?
        .ok_or(Error::UnknownUnit(id))
    }

    /// Calls `f` with a bounded, evenly spread sample of units and their document's languages
    /// (source, target), read without scanning the memory: with `document`, the document's
    /// units whose position is a multiple of `step`, in order; without, the units of every
    /// `step`-th run of [`SAMPLE_RUN`] ids (ids 0…15, then 16·step…16·step+15, …: runs of
    /// neighbours, so that a sample of a large file reads few of its pages), in id order. A
    /// `step` of 1 reads every unit.
    pub fn for_each_sampled_unit(
        &self,
        document: Option<&str>,
        step: u64,
        mut f: impl FnMut(Unit, &str, &str) -> Result<()>,
    ) -> Result<()> {
        let step = step.clamp(1, i64::MAX as u64) as i64;
        let mut stmt;
        let mut rows = match document {
            Some(name) => {
                self.document_id(name)?;
                stmt = self
                    .conn
                    .prepare_cached(&format!(
                        "SELECT {UNIT_COLUMNS}, d.source_lang, d.target_lang
                         FROM units u JOIN documents d ON d.id = u.document_id
                         WHERE d.name = ?1 AND u.position % ?2 = 0 ORDER BY u.position, u.id"
                    ))
                    .map_err(|e| self.fail(e))?;
                stmt.query(rusqlite::params![name, step])
                    .map_err(|e| self.fail(e))?
            }
            None => {
                stmt = self
                    .conn
                    .prepare_cached(&format!(
                        "WITH RECURSIVE runs(i) AS (
                             SELECT 0 UNION ALL SELECT i + ?1 FROM runs
                             WHERE i + ?1 <= (SELECT max(id) FROM units))
                         SELECT {UNIT_COLUMNS}, d.source_lang, d.target_lang
                         FROM runs CROSS JOIN units u ON u.id BETWEEN runs.i AND runs.i + ?2
                         JOIN documents d ON d.id = u.document_id ORDER BY u.id"
                    ))
                    .map_err(|e| self.fail(e))?;
                let run = SAMPLE_RUN as i64;
                stmt.query([step.saturating_mul(run), run - 1])
                    .map_err(|e| self.fail(e))?
            }
        };
        while let Some(row) = rows.next().map_err(|e| self.fail(e))? {
            let unit = unit_from_row(row).map_err(|e| self.fail(e))?;
            let source: String = row.get(17).map_err(|e| self.fail(e))?;
            let target: String = row.get(18).map_err(|e| self.fail(e))?;
            f(unit, &source, &target)?;
        }
        Ok(())
    }

    /// The ids of the units numbered `first` to `last` (both included) that exist, in order.
    pub fn unit_ids_between(&self, first: i64, last: i64) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM units WHERE id BETWEEN ?1 AND ?2 ORDER BY id")
            .map_err(|e| self.fail(e))?;
        let ids = stmt
            .query_map([first, last], |r| r.get(0))
            .map_err(|e| self.fail(e))?;
        ids.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.fail(e))
    }
}

/// The `AND …` conditions of `filter` on `units u JOIN documents d`, and their arguments.
pub(crate) fn filter_clause(filter: &UnitFilter) -> (String, Vec<Box<dyn ToSql>>) {
    let mut sql = String::new();
    let mut args: Vec<Box<dyn ToSql>> = Vec::new();
    if let Some(name) = &filter.document {
        args.push(Box::new(name.clone()));
        sql += &format!(" AND d.name = ?{}", args.len());
    }
    if !filter.statuses.is_empty() {
        let mut marks = Vec::new();
        for s in &filter.statuses {
            args.push(Box::new(s.as_str()));
            marks.push(format!("?{}", args.len()));
        }
        sql += &format!(" AND u.status IN ({})", marks.join(", "));
    }
    if let Some(min) = filter.min_score {
        args.push(Box::new(min));
        sql += &format!(" AND u.score >= ?{}", args.len());
    }
    if let Some(max) = filter.max_score {
        args.push(Box::new(max));
        sql += &format!(" AND u.score < ?{}", args.len());
    }
    (sql, args)
}

/// Serialises a sentence range as the list of its indices (`[3, 4]`), or `null`.
mod sentence_list {
    use std::ops::Range;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(r: &Option<Range<usize>>, s: S) -> Result<S::Ok, S::Error> {
        r.as_ref()
            .map(|r| r.clone().collect::<Vec<usize>>())
            .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Range<usize>>, D::Error> {
        let list: Option<Vec<usize>> = Option::deserialize(d)?;
        let Some(list) = list else { return Ok(None) };
        let Some(&first) = list.first() else {
            return Ok(Some(0..0));
        };
        if list.iter().enumerate().any(|(k, &x)| x != first + k) {
            return Err(serde::de::Error::custom(
                "sentence indices must be consecutive",
            ));
        }
        Ok(Some(first..first + list.len()))
    }
}
