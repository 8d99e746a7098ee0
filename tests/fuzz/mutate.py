"""Hypothesis strategies that break a good YAML file the ways people and editors do."""

from __future__ import annotations

from hypothesis import strategies as st

# Values people really type where a number, date, id or list belongs, and YAML's own traps.
TRICKY = (
    "", "null", "~", "[]", "{}", "-1", "0", "99999999999999999999", "1e309", ".nan", "yes",
    "2024-13-45", "31/02/2024", "Q5", "'unterminated", '"unterminated', "*alias", "&anchor x",
    "!!python/object/apply:os.system ['true']", "!!binary AAAA", "[1, [2, {3: 4}]]",
    "Sở Nội vụ\u0000", "\ufeffid", "a" * 300, "{base}", "css:", "xpath://[", "- - -", ": :",
)  # fmt: skip
OPS = ("delete", "duplicate", "replace_value", "replace_line", "insert_text", "indent", "dedent",
       "truncate")  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, text: str) -> tuple[str, list[str]]:
    """``text`` with 1–4 edits, and a description of them (shown when a property fails)."""
    lines = text.splitlines()
    done = []
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(OPS))
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        line = lines[i] if lines else ""
        if op == "delete" and lines:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "replace_value" and ":" in line:
            key = line.split(":", 1)[0]
            lines[i] = f"{key}: {draw(st.sampled_from(TRICKY))}"
        elif op == "replace_line":
            lines[i:i + 1] = [draw(st.text(max_size=40))]
        elif op == "insert_text":
            at = draw(st.integers(0, len(line)))
            lines[i:i + 1] = [line[:at] + draw(st.sampled_from(TRICKY)) + line[at:]]
        elif op == "indent":
            lines[i:i + 1] = ["  " + line]
        elif op == "dedent":
            lines[i:i + 1] = [line[2:] if line.startswith("  ") else line.lstrip()]
        elif op == "truncate":
            lines = lines[:i]
        done.append(f"{op}@{i + 1}")
    return "\n".join(lines) + "\n", done
