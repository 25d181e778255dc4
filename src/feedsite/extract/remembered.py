"""What a run keeps of the files it wrote, for the next run: the file as that run will
read it, and the text it would bring it up to date to, so the first run after a cold
one neither reads nor renders what this one wrote."""
from __future__ import annotations

from .. import frontmatter
from ..parallel import forked_map
from ..progress import Progress
from .cache import Memo
from .filetext import new_fields, updated
from .store import UNCHANGED, Existing, Write, packed_entry, parsed_file, stamp_of, update_key


def remember(writes: list[Write], memo: Memo, progress: Progress | None = None) -> None:
    """The files a run wrote, as the next run will find them: their text is known, so
    that run need not read them. (A person's edit in the instant between the write and
    its stat would go unseen until the file changes again; a rewrite still checks.)

    The next run most often plans each file from this very text and this very article
    (the dumps did not change it): what it would write then is worked out now, so that
    run, often the first after a cold one, finds it. A new file is not even parsed: its
    values are the ones it was rendered from. A cold run keeps thousands: across the cores."""
    if not memo.active:
        return
    stamped = [(write, stamp) for write in writes
               if write.status not in UNCHANGED and (stamp := stamp_of(write.path)) is not None]
    foreseen_all = forked_map(_foreseen, [w for w, _ in stamped], progress, "caching")
    for (write, stamp), foreseen in zip(stamped, foreseen_all, strict=True):
        if foreseen is None:
            continue
        packed, key, text = foreseen
        memo.put("files", str(write.path), (stamp, (*packed, write.text)))
        if key is not None:
            memo.put("updates", key, text)


def _foreseen(write: Write) -> tuple[tuple, str | None, str | None] | None:
    """A written file as `packed_entry` keeps it, less its text (the parent has it), and the
    key and text of what `update` would make of it (None: the text it holds)."""
    if write.status == "new":
        found = _as_rendered(write)
    else:
        try:
            found = parsed_file(write.path, write.text)
        except frontmatter.FrontMatterError:
            return None
    packed = packed_entry(found)[:-1]
    if write.article is None:
        return packed, None, None
    fields, body = updated(found, write.article)
    if write.status == "new" and body == write.article.body and _identical(fields, found.fields):
        text = found.text  # what `render` wrote from these very values
    else:
        text = frontmatter.dump(fields, body)
    return packed, update_key(found, write.article, write.made_from), text if text != found.text else None


def _as_rendered(write: Write) -> Existing:
    """A new file as `parsed_file` reads it back, without parsing it: its text is `render`'s
    of its article under its slug, and front matter gives back the values it wrote
    (tests/unit/test_store.py reads back every real article to show it)."""
    gen = write.article
    found = Existing(write.path, new_fields(gen, write.path.stem), gen.body.rstrip("\n") + "\n",
                     gen.id, frozenset(gen.sources), write.text)
    found.edited  # noqa: B018 - as `parsed_file` does
    return found


def _identical(a: dict, b: dict) -> bool:
    """The same keys in the same order, with values equal and of the same types (True
    == 1, yet YAML writes them apart), so that `dump` writes both alike."""
    return list(a) == list(b) and all(type(a[k]) is type(b[k]) and a[k] == b[k] for k in a)
