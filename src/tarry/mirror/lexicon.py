"""The mirror's word lists (lexicon.toml), indexed by first word so one pass finds them all.

Each entry is a regular-expression fragment that starts with a plain word (its key). Scanning a
text visits each word once, and tries only the fragments whose key that word is: a few
anchored matches per word instead of one pass over the text per list.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from itertools import compress
from typing import Any

APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
CURLY = re.compile("[\u2019\u2018\u02bc]")
KEY = re.compile(r"[a-z]+")
END = r"(?![\w'])"
CAPTURING = re.compile(r"(?<!\\)\((?!\?)")


# One phrase found: (start, end, phrase). A plain tuple: made for every hit, so kept cheap.
Hit = tuple[int, int, str]


def normalise(text: str) -> str:
    """Lower case with straight apostrophes, contractions and chat shorthand written out
    (`lexicon.toml`'s `written_out`): the form every fragment is matched against."""
    text = text.lower()
    # Checked first: translate() is slow, and most texts have no curly apostrophe.
    if CURLY.search(text):
        text = text.translate(APOSTROPHES)
    return load().write_out(text)


def _key(fragment: str) -> str:
    """The plain word a fragment starts with; refuses fragments that hide their first word."""
    found = KEY.match(fragment)
    after = fragment[found.end() : found.end() + 2] if found else ""
    nxt = after[:1]
    hidden = nxt.isalpha() or (nxt != "" and nxt in "?*+[{") or (nxt == "(" and after[1:].isalpha())
    if not found or hidden:
        raise ValueError(f"lexicon fragment {fragment!r} must start with a plain, whole word")
    return found.group(0)


def _trie(words: list[str]) -> str:
    """A regular expression matching exactly `words`, factored by common prefixes.

    Python's regex engine tries a flat alternation word by word at every position; a trie
    lets it reject most positions after one character.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_node(trie)


def _trie_node(node: dict[str, Any]) -> str:
    branches = [re.escape(char) + _trie_node(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _alternation(fragments: list[str]) -> str:
    # Longest first, so "that sounds awful" is reported rather than "that sounds".
    ordered = sorted(fragments, key=len, reverse=True)
    # A fragment's own groups must not capture: each list has exactly one capturing group.
    plain = [CAPTURING.sub("(?:", f) for f in ordered]
    return "(?:" + "|".join(f"(?:{f})" for f in plain) + ")" + END


AtKey = tuple[re.Pattern[str], tuple[str, ...] | None, str]


def _at_key(by_name: dict[str, list[str]]) -> AtKey:
    """One pattern trying every list at a position: an optional capturing lookahead per list.

    A key of one list only gets a plain pattern (names None): its match is the phrase.
    """
    names = tuple(by_name)
    if len(names) == 1:
        return re.compile(_alternation(by_name[names[0]])), None, names[0]
    body = "".join(f"(?=({_alternation(by_name[n])}))?" for n in names)
    return re.compile(body), names, ""


@dataclass(frozen=True)
class Lexicon:
    """Every list, indexed by first word; the stop words, question openers and greetings."""

    lists: dict[str, tuple[str, ...]]
    at_key: Patterns
    keys: re.Pattern[str]
    stop: frozenset[str]
    opener: frozenset[str]
    proposed: frozenset[str]  # words of a time proposed in a short question (`moves.requested`)
    asking: frozenset[str]  # `opener` and the other words that make such a question ask
    auxiliary: frozenset[str]  # openers that ask without "?" only before a word of `asks_of`
    asks_of: frozenset[str]
    alone_tells: frozenset[str]  # question words that alone, without "?", ask nothing
    # a statement's closing tag after a comma, which asks only for agreement ("..., ok?")
    tag: re.Pattern[str]
    greeting: re.Pattern[str]
    glad: tuple[re.Pattern[str], ...]  # feeling phrases glad to tell (`conversations.glad_only`)
    # what makes a feeling word the other person's ([attribution]): the words ending right
    # before it, and right after it
    said_of_you: re.Pattern[str]
    said_after: re.Pattern[str]
    # a sentence opening that exclaims rather than asks ("how awful", "what a nightmare"); its
    # one group is the exclamation
    exclaims: re.Pattern[str]
    # matched at a sentence's start: an opening (after a greeting or "just", "please") with a
    # verb of the `imperative` list (the group `verb`): advice in any verb
    # (`features.imperatives`)
    imperative: re.Pattern[str]
    # a question word right after a verb of knowing, which asks nothing ("not knowing what's
    # going on"); the group `wh` is the question word (`features.read`)
    embedded: re.Pattern[str]
    knowing: frozenset[str]  # the verbs of knowing: a text without one has no such word
    # words typed short ("im", "idk") and what they are written out (`normalise`); the pattern
    # that finds them; after "ur", what makes it "you're"
    written_out: dict[str, str]
    short: re.Pattern[str]
    you_are: re.Pattern[str]
    parts: dict[tuple[str, ...], Lexicon] = field(default_factory=dict, compare=False, repr=False)

    def only(self, *names: str) -> Lexicon:
        """This lexicon with only the lists `names` (made once): its `scan` finds what `scan`
        finds for those lists, trying only their words."""
        if (part := self.parts.get(names)) is None:
            lists = {name: self.lists[name] for name in names}
            at_key, keys = _index(lists)
            part = self.parts[names] = replace(
                self, lists=lists, at_key=at_key, keys=keys, parts={}
            )
        return part

    def scan(self, norm: str) -> dict[str, list[Hit]]:
        """Every phrase of every list in `norm` (normalised), by list name, in text order.

        Like a regex search, the hits of one list do not overlap: "that sounds awful" is one.
        """
        hits: dict[str, list[Hit]] = {}
        at_key = self.at_key
        # The hot loop of reading a text: locals only, and a hit added in line (no call).
        for word in self.keys.finditer(norm):
            pattern, names, single = at_key[word.group()]
            start = word.start()
            found = pattern.match(norm, start)
            if found is None:
                continue
            if names is None:  # a key of one list: the match is the phrase
                phrase = found.group()
                if (got := hits.get(single)) is None:
                    hits[single] = [(start, start + len(phrase), phrase)]
                elif got[-1][1] <= start:
                    got.append((start, start + len(phrase), phrase))
                continue
            for name, phrase in zip(names, found.groups(), strict=True):
                if phrase is None:
                    continue
                if (got := hits.get(name)) is None:
                    hits[name] = [(start, start + len(phrase), phrase)]
                elif got[-1][1] <= start:  # lists' hits do not overlap, as in a regex search
                    got.append((start, start + len(phrase), phrase))
        return hits

    def write_out(self, text: str) -> str:
        """`text` (lower case) with its short forms written out (`written_out`)."""
        return self.short.sub(self._written, text)

    def _written(self, word: re.Match[str]) -> str:
        if word.group() == "ur" and self.you_are.match(word.string, word.end()):
            return "you're"
        return self.written_out[word.group()]

    def starts(self, norm: str, at: int) -> bool:
        """Does a phrase of a list start at `at` (the start of a word) in `norm`?"""
        key = KEY.match(norm, at)
        if key is None or key.group() not in self.at_key.sources:
            return False
        pattern, names, _ = self.at_key[key.group()]
        got = pattern.match(norm, at)
        return got is not None and (names is None or any(got.groups()))

    def present(self, norm: str) -> set[str]:
        """The names of the lists with a phrase in `norm`: `scan`'s keys, without finding where
        (the model needs only these for a text that asks nothing)."""
        found: set[str] = set()
        at_key = self.at_key
        for word in self.keys.finditer(norm):
            pattern, names, single = at_key[word.group()]
            got = pattern.match(norm, word.start())
            if got is None:
                continue
            if names is None:
                found.add(single)
            else:  # the lists whose lookahead matched
                found.update(compress(names, got.groups()))
        return found


def build(tables: dict[str, Any]) -> Lexicon:
    """Index the lists of a parsed lexicon.toml."""
    tables = dict(tables)
    written_out: dict[str, str] = tables.pop("written_out")
    ur = tables.pop("ur")
    short = re.compile(rf"(?<![\w'-])(?:{_trie(sorted(written_out))})(?![\w'-])")
    you_are = re.compile(
        rf" (?:(?:{'|'.join(ur['you_are'])})(?![\w'-])"
        rf"|(?!(?:{'|'.join(ur['nouns'])})(?![\w'-]))[a-z]+(?:ing|ed)(?![\w'-]))"
    )
    lists = {name: list(f) for table in tables.values() for name, f in table.items()}
    stop = frozenset(lists.pop("stop"))
    opener = frozenset(lists.pop("opener"))
    proposed, asking = frozenset(lists.pop("proposed")), opener.union(lists.pop("asking"))
    auxiliary, asks_of = frozenset(lists.pop("auxiliary")), frozenset(lists.pop("asks_of"))
    alone_tells = auxiliary.union(lists.pop("alone_tells"))
    tag = re.compile(rf",\s*{_alternation(lists.pop('tags'))}\s*\?+[^a-z0-9]*$")
    greeting = re.compile(r"(?:(?:" + "|".join(lists.pop("greeting")) + r")\W*)*")
    glad = tuple(re.compile(phrase) for phrase in lists.pop("glad", ()))
    degree = _alternation(lists.pop("degree"))
    said_of_you = re.compile(
        rf"(?<![\w']){_alternation(lists.pop('said_of_you'))}\s+(?:{degree}\s+)*$"
    )
    said_after = re.compile(rf"\s+{_alternation(lists.pop('said_after'))}")
    exclaims = re.compile(
        rf"[^a-z]*((?:how (?!{_alternation(lists.pop('how_asks'))})[a-z']+"
        r"(?:[\s!.]*$|,| (?:that|this|it) (?:must|would|might|sounds?|looks?|seems?)(?![a-z'])"
        r"| (?:is|was) (?:that|this)[\s!.]*$)"
        r"|what an? "
        rf"|what {_alternation(lists.pop('what_exclaims'))}"
        rf"(?!.*?(?<![\w']){_alternation(lists.pop('what_asks'))})))"
    )
    lead = "|".join(map(re.escape, lists.pop("imperative_lead")))
    imperative = re.compile(
        rf"(?:{greeting.pattern})[^a-z]*(?:(?:{lead})\W+)*"
        rf"(?P<verb>{_trie(sorted(lists.pop('imperative')))})(?![a-z'])"
    )
    knowing, asks = sorted(lists.pop("knowing")), sorted(lists.pop("knowing_asks"))
    embedded = re.compile(rf"(?<![\w'])(?:{'|'.join(knowing)}) (?P<wh>{'|'.join(asks)})(?![\w'])")
    tuples = {name: tuple(fragments) for name, fragments in lists.items()}
    at_key, keys = _index(tuples)
    return Lexicon(
        tuples, at_key, keys, stop, opener, proposed, asking, auxiliary, asks_of, alone_tells, tag,
        greeting, glad, said_of_you, said_after, exclaims, imperative, embedded,
        frozenset(knowing), written_out, short, you_are,
    )  # fmt: skip


def _index(lists: dict[str, tuple[str, ...]]) -> tuple[Patterns, re.Pattern[str]]:
    """The lists' fragments by first word, and the pattern that finds those words."""
    grouped: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, fragments in lists.items():
        for fragment in fragments:
            grouped[_key(fragment)][name].append(fragment)
    return Patterns(grouped), re.compile(rf"(?<![\w']){_trie(sorted(grouped))}(?![a-z])")


class Patterns(dict[str, AtKey]):
    """The pattern of each key word (`_at_key`), compiled when the key is first met: compiling
    them all was most of what loading the word lists cost, and a run meets only some. `sources`
    holds every key's fragments by list."""

    def __init__(self, sources: dict[str, dict[str, list[str]]]) -> None:
        super().__init__()
        self.sources = sources

    def __missing__(self, key: str) -> AtKey:
        pattern = self[key] = _at_key(self.sources[key])
        return pattern


def within(item: str, other: str) -> bool:
    """Every phrase of `item` ("i feel, feel so": phrases of a list, comma-joined) is inside a
    phrase of `other`, word for word: "love" and "you" are inside "love you", "stop" inside
    "can't stop worrying", and a phrase inside itself."""
    if "," not in item and "," not in other:  # one phrase each: most evidence
        return f" {item.strip()} " in f" {other.strip()} "
    outer = [f" {p.strip()} " for p in other.split(",")]
    return all(any(f" {p.strip()} " in q for q in outer) for p in item.split(","))


@cache
def load() -> Lexicon:
    """The lexicon shipped with tarry (read and indexed on first use)."""
    raw = resources.files("tarry.mirror").joinpath("lexicon.toml").read_text("utf-8")
    return build(tomllib.loads(raw))
