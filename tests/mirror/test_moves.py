"""The labeller: disclosure, moves and question type of one message, each with its evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tarry.mirror.lexicon import load, normalise
from tarry.mirror.moves import (
    Labels,
    Turn,
    _split,
    asking,
    label,
    might_ask,
    read,
    said_back,
    said_back_phrases,
)

HARD = [Turn("other", "i had the worst panic attack on the train this morning")]
ASKED = [Turn("other", "good! went hiking with my sister. you?")]


def other(text: str) -> list[Turn]:
    return [Turn("other", text)]


@pytest.mark.parametrize(
    ("text", "disclosure"),
    [
        ("hey how are you??", "none"),
        ("that must have been devastating. i'm so sorry", "none"),
        ("my train is late again", "fact"),
        ("i think the movie was way too long", "thought"),
        ("i'm so scared about the custody hearing", "feeling"),
        ("honestly i miss her so much", "feeling"),
        ("you must be scared", "none"),
    ],
)
def test_disclosure_depth(text: str, disclosure: str) -> None:
    assert label(text).disclosure == disclosure


def test_an_answer_speaks_about_the_writer_without_saying_i() -> None:
    assert label("shaky, but proud", other("how are you feeling?")).disclosure == "feeling"
    assert label("shaky, but proud").disclosure == "none"


def test_validate_and_explore_with_evidence() -> None:
    got = label("oh no, that sounds awful. what happened?", HARD)
    assert got == Labels("none", ("explore", "validate"), "follow_up")
    assert got.evidence["validate"] == ["oh no", "that sounds awful"]
    assert got.evidence["explore"] == ["what happened"]
    assert got.evidence["question"] == ["takes up their words: happened"] or got.evidence[
        "question"
    ] == ["asks about what they said ('what happened')"]


@pytest.mark.parametrize(
    ("text", "moves"),
    [
        ("just breathe next time, count to four and it passes", ("fix",)),
        ("at least it's over now, don't worry about it", ("minimise",)),
        ("anyway did you decide about the trip in march?", ("redirect",)),
        ("i've had those too, the first one made me think i was dying", ("share",)),
        ("ok", ()),
    ],
)
def test_moves_after_a_hard_disclosure(text: str, moves: tuple[str, ...]) -> None:
    assert label(text, HARD).moves == moves


def test_no_moves_without_anything_to_reply_to() -> None:
    assert label("you should get some rest", []).moves == ()


def test_redirect_names_what_was_turned_away_from() -> None:
    got = label("did you watch the game last night?", HARD)
    assert got.moves == ("redirect",)
    assert got.question == "switch"
    assert got.evidence["redirect"] == ["changes the topic ('did you watch')"]


@pytest.mark.parametrize(
    ("text", "context", "question"),
    [
        ("hiii how was your weekend", [], "intro"),
        ("pretty quiet, you?", ASKED, "mirror"),
        ("where did you go hiking?", ASKED, "follow_up"),
        ("can you grab milk on the way home?", [], "other"),
        ("random question but have you ever been to lisbon?", ASKED, "switch"),
        # no word of theirs, but most such questions ask about their turn in other words
        (
            "are you giving a speech at the reception?",
            [Turn("other", "my sister's wedding is soon")],
            "follow_up",
        ),
        ("i slept all weekend", ASKED, None),
    ],
)
def test_question_types(text: str, context: list[Turn], question: str | None) -> None:
    assert label(text, context).question == question


def test_question_without_a_question_mark() -> None:
    assert label("how are you doing").question == "intro"


@pytest.mark.parametrize(
    "text",
    ["how awful", "how exciting!!", "how lonely that must be", "what a nightmare",
     "oh how sad", "what an awful thing to happen", "what great news!!", "what fun",
     "omg what bad luck", "how lovely, congrats!", "how awful, both at once", "how cool is that!",
     "how lucky was that"],
)  # fmt: skip
def test_an_exclamation_that_opens_like_a_question_asks_nothing(text: str) -> None:
    assert label(text, HARD).question is None
    assert _split(normalise(text), load())[1] == ()  # no clause of it asks


@pytest.mark.parametrize(
    "text",
    ["how come", "how bad is it", "how long has it been", "how old", "oh how awful. why",
     "what good is it", "what great news, when do you start", "what fun things did you do",
     "what great news. when do you start?", "how are you, mate", "how much, roughly",
     "how bad was it", "how cool is that?", "how old is that"],
)  # fmt: skip
def test_a_question_without_a_question_mark_still_asks(text: str) -> None:
    assert label(text, HARD).question is not None


@pytest.mark.parametrize(
    ("text", "exclaimed"),
    [("how lovely, congrats!", ["how lovely"]), ("oh how sad", ["how sad"]),
     ("so sorry. what a nightmare!", ["what a"]), ("what great news", ["what great"]),
     ("how lonely that must be", ["how lonely that must"]), ("how are you", []),
     ("how awful. how did it happen?", ["how awful"]), ("what a day. how was yours?", ["what a"]),
     ("what fun things did you do", [])],
)  # fmt: skip
def test_the_sentences_that_exclaim_are_found(text: str, exclaimed: list[str]) -> None:
    """The model reads them as one list ("exclaim"): sympathy or gladness whatever the word."""
    assert asking(normalise(text)).find("exclaim") == exclaimed


def test_their_turn_is_their_latest_run_of_messages() -> None:
    context = [Turn("other", "i lost my job"), Turn("other", "i'm so scared"), Turn("me", "oh no")]
    assert label("what happened?", context).question == "follow_up"


@pytest.mark.parametrize(
    "text",
    [
        "I am so sorry, that sounds really lonely",
        "you must feel so alone",
        "you must be exhausted",
        "you seem really stressed lately",
        "it sounds like you're overwhelmed",
        "I can imagine how scary that is",
        "how scary that must be",
        "you're allowed to feel angry",
        "it's normal to feel lost after that",
        "you are not alone",
        "ur just tired, u've been working a lot",
        "why didn't you tell me you were scared?",
    ],
)
def test_feeling_words_said_of_the_other_are_theirs(text: str) -> None:
    assert said_back(normalise(text))


def test_the_phrases_that_say_a_feeling_back_are_shown() -> None:
    assert said_back_phrases(normalise("I am so sorry, that sounds really lonely")) == [
        "sounds really lonely"
    ]
    assert said_back_phrases(normalise("how scary that must be")) == ["scary that must"]
    assert said_back_phrases(normalise("you must be exhausted. i'm exhausted too")) == []


@pytest.mark.parametrize(
    "text",
    [
        "i feel so lonely too",
        "I was scared too. you must be terrified",  # one feeling of the writer's is enough
        "you're making me so angry",
        "i'm allowed to be scared",
        "i'd be furious too",
        "i'm so stressed, and it's my day",
        "you must be hungry",  # no word of the feeling list: nothing said back
    ],
)
def test_a_feeling_of_the_writers_is_not_said_back(text: str) -> None:
    assert not said_back(normalise(text))


def test_curly_apostrophes_read_as_straight_ones() -> None:
    assert read("I\u2019m so scared").disclosure == "feeling"


def test_to_dict_is_the_contract() -> None:
    got = label("that sounds so hard", HARD)
    assert got.to_dict() == {"disclosure": "none", "moves": ["validate"], "question": None}
    assert set(got.to_dict(evidence=True)) == {"disclosure", "moves", "question", "evidence"}


@given(
    st.lists(
        st.sampled_from(
            [
                "hi",
                "hey you",
                "ok",
                "so",
                "what",
                "what's",
                "whatever",
                "how",
                "did",
                "you",
                "go",
                "?",
                ".",
                "!",
                ",",
                " ",
                "\n",
                "oh",
                "is",
                "it",
                "fine",
                "why",
                "1",
                "—",
            ]
        ),
        max_size=12,
    )
)
def test_might_ask_is_never_false_where_the_rules_find_a_question(words: list[str]) -> None:
    """The model reads a text `might_ask` rules out as one statement: it must never rule
    out a text the rules would read as asking."""
    norm = normalise(" ".join(words))
    if _split(norm, load())[1]:
        assert might_ask(norm)


def test_might_ask_on_the_labelled_chats() -> None:
    texts = [
        m["text"]
        for path in (Path(__file__).parents[2] / "data" / "chats").glob("*.jsonl")
        for line in path.read_text("utf-8").splitlines()
        for m in json.loads(line)["messages"]
    ]
    asking = [t for t in texts if _split(normalise(t), load())[1]]
    assert asking and all(might_ask(normalise(t)) for t in asking)
    assert sum(might_ask(normalise(t)) for t in texts) < 1.1 * len(asking)  # it saves work


def _lexicon_words() -> list[str]:
    """Words the lexicon's phrases are made of, and some that are not."""
    lex = load()
    words = {w for fragments in lex.lists.values() for f in fragments for w in f.split()}
    plain = sorted(w for w in words if w.replace("'", "").isalpha())
    return [*plain, "x", "?", ".", ",", "!", " ", "\n", "1", "\u2019"]


@given(st.lists(st.sampled_from(_lexicon_words()), max_size=14))
def test_which_lists_are_present_is_what_a_full_scan_finds(words: list[str]) -> None:
    """The model reads a text that asks nothing with `present` (which lists), not `scan`
    (which phrases, where): the two must agree on the lists."""
    norm = normalise(" ".join(words))
    assert load().present(norm) == set(load().scan(norm))


def test_present_agrees_with_scan_on_the_labelled_chats() -> None:
    lex = load()
    texts = [
        normalise(m["text"])
        for path in (Path(__file__).parents[2] / "data" / "chats").glob("*.jsonl")
        for line in path.read_text("utf-8").splitlines()
        for m in json.loads(line)["messages"]
    ]
    found = [lex.present(t) for t in texts]
    assert sum(map(len, found)) > len(texts)  # the lists are found, not just agreed on
    assert found == [set(lex.scan(t)) for t in texts]


def test_a_request_or_proposal_after_their_turn_is_other() -> None:
    from tarry.mirror.moves import label

    assert label("pub at 5?", [("other", "i passed!!")]).question == "other"
    assert label("can you help me move on saturday?", [("other", "hey")]).question == "other"
    assert label("what did she say?", [("other", "i told mum")]).question == "follow_up"


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("WHAT", None),
        ("WHAT. omg", None),
        ("will do 👍", None),
        ("have the best time, you've earned it", None),
        ("could be worse tbh", None),
        ("did you eat", "follow_up"),  # asks without "?"
        ("is everything ok", "follow_up"),
        ("what?", "follow_up"),
        ("WHAT. did you see that?", "switch"),
    ],
)
def test_a_sentence_without_a_question_mark_that_tells_asks_nothing(
    text: str, question: str | None
) -> None:
    """The rules read a sentence opening with a question word as a question even without "?";
    before the type given took these back, "will do 👍" and "WHAT." were follow-ups (on the dev
    split of tarry's chats, follow-ups' F1 0.770 -> 0.798). The model still reads the rules'
    type (docs/mirror.md: trained on it, the weakest cross-domain row fell)."""
    from tarry.mirror.moves import label

    assert label(text, [("other", "i got the job!!")]).question == question


@pytest.mark.parametrize(
    "text",
    ["you up?", "Dad!! Are you up?", "hey you, how was work?", "how was therapy?",
     "anything new? i feel like i never see you", "hey you ok? you've been really quiet today",
     "Hi, I'm Amara. Thanks for reaching out tonight. What's on your mind?"],
)  # fmt: skip
def test_a_check_in_opening_the_conversation_is_an_intro(text: str) -> None:
    """With no earlier message these were switches ("opens a topic of its own"): on the dev
    split of tarry's chats intro F1 0.73 -> 0.85, the question types' macro-F1 0.653 -> 0.686."""
    from tarry.mirror.moves import label

    assert label(text).question == "intro"
    assert label("did you order the thing for mum?").question == "switch"  # not a check-in
    assert label("how was work?", [("other", "ugh long day")]).question == "follow_up"


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("crap tv friday?", "other"),
        ("fair enough. pints later?", "other"),
        ("yes. god yes. 8?", "other"),
        ("7:15 showing? i get off at 6", "other"),
        ("gym tomorrow 7am?", "other"),  # "am" of "7am" is no word that asks
        ("were you there on saturday?", "follow_up"),  # asks: not a proposal
        ("14?? does she even see them?", "follow_up"),  # a number said back, not a time
        ("how was your friday?", "follow_up"),
        ("so what do we do about friday, are we still going to the thing?", "follow_up"),
    ],
)
def test_a_short_question_that_names_a_time_proposes_it(text: str, question: str) -> None:
    """Before it, "crap tv friday?" and "8?" were follow-ups ("refers back to their message"):
    on the dev split of tarry's chats 64 -> 51 of the questions labelled `other` came out as
    follow-ups; the question types' macro-F1 0.628 -> 0.653 there."""
    from tarry.mirror.moves import label

    got = label(text, [("other", "ugh what a week. my sister's kids have been staying")])
    assert got.question == question, got


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("you're not alone in this, ok?", "other"),
        ("honestly i'd rather know than guess, you know?", "other"),
        ("and we're good, okay?? 💛", "other"),
        ("it wasn't your fault, yeah?", "other"),
        ("are you ok?", "follow_up"),  # asks: no statement before the tag
        ("is the scan still on friday, ok?", "follow_up"),  # opens as a question
        ("you're not alone, ok? what did the doctor say?", "follow_up"),  # one asks more
    ],
)
def test_a_statement_closed_by_a_tag_asks_only_for_agreement(text: str, question: str) -> None:
    """The guide calls tag questions `other`; these were follow-ups ("asks in other words about
    what they said"). The chats' dev split: question types' macro-F1 0.694 -> 0.698."""
    from tarry.mirror.moves import label

    assert label(text, [("other", "i've been so low since the results came back")]).question == (
        question
    )
