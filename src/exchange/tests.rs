use super::*;

#[test]
fn dates_convert_both_ways_exactly() {
    assert_eq!(
        tmx_date("2026-11-25T08:17:00Z").as_deref(),
        Some("20261125T081700Z")
    );
    assert_eq!(
        iso_date("20261125T081700Z").as_deref(),
        Some("2026-11-25T08:17:00Z")
    );
    for bad in [
        "2026-11-25",
        "20261325T081700Z",
        "20261125T256000Z",
        "20261125 081700Z",
        "",
    ] {
        assert_eq!(iso_date(bad), None, "{bad}");
    }
    // other RFC 3339 forms are read as UTC, to the second
    assert_eq!(
        normalize_time("2026-11-25T10:17:00.5+02:00").as_deref(),
        Some("2026-11-25T08:17:00Z")
    );
}

#[test]
fn sentence_labels_read_back() {
    for range in [3..4, 3..6, 0..1] {
        assert_eq!(parse_range_label(&range_label(&range)), Some(range));
    }
    assert_eq!(range_label(&(5..5)), "-");
    assert_eq!(parse_range_label("-"), Some(0..0));
    for bad in [
        "",
        "4-3",
        "a",
        "1-",
        "-2",
        "1,2",
        "0-18446744073709551615",
        "9007199254740991",
    ] {
        assert_eq!(parse_range_label(bad), None, "{bad}");
    }
}

#[test]
fn formats_are_known_by_extension() {
    assert_eq!(Format::from_path(Path::new("a/b.TMX")), Some(Format::Tmx));
    assert_eq!(Format::from_path(Path::new("b.json")), Some(Format::Json));
    assert_eq!(
        Format::from_path(Path::new("b.ndjson")),
        Some(Format::Jsonl)
    );
    assert_eq!(Format::from_path(Path::new("b.xml")), None);
    assert!(resolve_format(Path::new("b.xml"), None).is_err());
}

#[test]
fn extras_that_would_break_the_tmx_are_refused() {
    let with_attribute = |name: &str, value: &str| TmxExtras {
        attributes: vec![(name.into(), value.into())],
        ..TmxExtras::default()
    };
    assert!(with_attribute("usagecount", "3").validate().is_ok());
    assert!(with_attribute("tuid", "abc-1").validate().is_ok());
    assert!(with_attribute("tuid", "12").validate().is_err());
    assert!(with_attribute("changedate", "x").validate().is_err());
    assert!(with_attribute("a b", "x").validate().is_err());
    assert!(with_attribute("a\"=", "x").validate().is_err());
    let typeless = TmxExtras {
        items: vec![TmxItem {
            element: TmxElement::Prop,
            attributes: vec![],
            text: "x".into(),
        }],
        ..TmxExtras::default()
    };
    assert!(typeless.validate().is_err());
}

#[test]
fn control_characters_are_not_xml() {
    assert!(is_xml_illegal('\u{C}'));
    assert!(is_xml_illegal('\u{FFFF}'));
    assert!(!is_xml_illegal('\n'));
    assert!(!is_xml_illegal('\u{200F}'));
}

#[test]
fn control_characters_are_found_raw_and_as_references_but_not_in_cdata() {
    assert_eq!(illegal_xml("plain &amp; &#x202B;text&#10;&#13;&#9;"), None);
    assert_eq!(illegal_xml("a<ph>&#1;</ph>"), Some((5, 1)));
    assert_eq!(illegal_xml("a<bpt i=\"1\">\u{1}</bpt>"), Some((12, 1)));
    assert_eq!(illegal_xml("<ph x=\"&#x0C;\"/>"), Some((7, 12)));
    assert_eq!(illegal_xml("&#0;"), Some((0, 0)));
    assert_eq!(illegal_xml("&#xD800;"), Some((0, 0xD800)));
    assert_eq!(illegal_xml("&#99999999999;"), Some((0, 0)));
    assert_eq!(illegal_xml("<![CDATA[&#1;]]>&#65;"), None);
    assert_eq!(illegal_xml("<!-- &#1; -->"), None);
    assert_eq!(illegal_xml("<![CDATA[\u{2}]]>"), Some((9, 2)));
    assert_eq!(illegal_char("ab\u{FFFF}"), Some((2, 0xFFFF)));
}
