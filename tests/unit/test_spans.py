from feedsite.spans import (
    DISPLAY,
    INLINE,
    LOST,
    PROSE,
    UNCLOSED,
    count_formulas,
    formula_counts,
    formula_fields,
    split_spans,
)


def kinds(text):
    return [(s.kind, s.text) for s in split_spans(text)]


def test_inline_and_display_math_keep_every_character():
    text = r"a \(x_1*b\) c \[a \\ b_{i}|<\] d"
    assert kinds(text) == [(PROSE, "a "), (INLINE, r"\(x_1*b\)"), (PROSE, " c "),
                           (DISPLAY, r"\[a \\ b_{i}|<\]"), (PROSE, " d")]
    assert "".join(s.text for s in split_spans(text)) == text


def test_backslash_pairs_inside_math_do_not_close_it():
    assert kinds(r"\[a \\]b\]") == [(DISPLAY, r"\[a \\]b\]")]


def test_escaped_backslash_in_prose_opens_nothing():
    assert kinds(r"a\\(b) c") == [(PROSE, r"a\\(b) c")]


def test_cut_off_formula_is_unclosed_not_math():
    assert kinds(r"其中 \(...") == [(PROSE, "其中 "), (UNCLOSED, r"\(...")]
    assert count_formulas(r"其中 \(...") == 0


def test_lost_markers_and_dollars():
    assert kinds("[Math] 与 [公式],$5 到 $10") == [
        (LOST, "[Math]"), (PROSE, " 与 "), (LOST, "[公式]"), (PROSE, ",$5 到 $10")]


def test_formula_counts_and_front_matter_fields_agree():
    text = r"设 \(x\) 与 \[y\],[Math] 丢失,最后 \(p(x_i \mid..."
    counts = formula_counts(text)
    assert (counts.typeset, counts.lost, counts.cut) == (2, 1, 1)
    assert formula_fields(text) == {"lost_formulas": 1, "cut_formulas": 1}
    assert formula_fields("无公式") == {"lost_formulas": 0, "cut_formulas": 0}
