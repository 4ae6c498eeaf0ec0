"""The moments a report picks: which, in what order, how many, and the reason it gives.

Rows are built by hand (labels, confidence and evidence as a report reads them from the store),
so each rule of `tarry.mirror.notable` is checked apart from the labeller.
"""

from __future__ import annotations

from datetime import timedelta

from tarry.mirror import notable
from tests.mirror.chatdata import START, Chat


def test_an_excerpt_keeps_a_short_text_and_cuts_a_long_one_at_a_word() -> None:
    assert notable.excerpt("a" * 120) == "a" * 120
    assert notable.excerpt("a" * 121) == "a" * 119 + "…"
    assert notable.excerpt("x" * 118 + " yz") == "x" * 118 + "…"  # no space before the mark
    assert notable.excerpt("  so   tired \n of it ") == "so tired of it"


def test_hardest_ranks_by_the_words_of_the_message_and_shows_four() -> None:
    chat = Chat()
    chat.say("them", "i'm sad", "feeling", words=["sad"])
    chat.say("me", "oh no", moves=("validate",))
    chat.say("them", "scared, lonely, exhausted, ashamed and hopeless and sad", "feeling",
             words=["scared, lonely", "exhausted", "ashamed", "hopeless", "sad"])  # fmt: skip
    chat.say("me", "tell me more?", moves=("explore", "validate"))
    got = notable.hardest(chat.sessions())
    assert [m.excerpt for m in got] == [
        "scared, lonely, exhausted, ashamed and hopeless and sad",
        "i'm sad",
    ]
    assert got[0].reason == (  # four of its five listed feelings
        "they disclosed a feeling (scared, lonely, exhausted, ashamed); "
        "you replied: explore, validate"
    )
    assert got[0].met == ["explore", "validate"] and got[0].who == "them"
    assert got[1].reason == "they disclosed a feeling (sad); you replied: validate"


def test_hardest_are_the_hardest_of_the_whole_span_not_the_newest() -> None:
    """Every sure feeling is weighed by the feeling words and hard news its text holds, however
    old and however few words the model kept for it; the newest first among equals."""
    chat = Chat()
    chat.say("them", "sad, my dad died, cancer, hospital, funeral", "feeling", words=["sad"])
    for n in range(30):
        chat.say("them", f"upset and tired {n}", "feeling", words=["upset", "tired", f"{n}"],
                 later=timedelta(days=7))  # fmt: skip
    chat.say("them", "low", "feeling", words=[], later=timedelta(days=1))
    top = notable.hardest(chat.sessions(), limit=3)
    assert [m.excerpt for m in top] == [
        "sad, my dad died, cancer, hospital, funeral",  # five, and the oldest
        "upset and tired 29",  # two each: the newest of them
        "upset and tired 28",
    ]


def test_hardest_lists_a_sure_feeling_without_a_listed_feeling_word() -> None:
    chat = Chat().say("them", "i just want to move on", "feeling", words=["just want"])
    assert [m.excerpt for m in notable.hardest(chat.sessions())] == ["i just want to move on"]


def test_the_reason_words_are_the_messages_own_phrases_each_once() -> None:
    chat = Chat().say("them", "relieved. shaky. i cried", "feeling",
                      words=["relieved, shaky", "cried", "their word 'exam'"])  # fmt: skip
    (got,) = notable.hardest(chat.sessions())
    assert got.reason.startswith("they disclosed a feeling (relieved, shaky, cried); ")


def test_my_vulnerable_disclosures_newest_first_with_how_they_were_received() -> None:
    chat = Chat()
    chat.say("me", "i'm scared of losing her, i feel lost, alone and guilty", "feeling",
             words=["scared", "losing", "lost", "alone", "guilty"])  # fmt: skip
    chat.say("them", "oh love", moves=("validate",))
    chat.say("them", "then call her", moves=("fix",))
    chat.say("me", "i felt so jealous", "feeling", words=["jealous"], later=timedelta(days=1))
    chat.say("them", "what about it?", moves=("explore",))
    chat.say("me", "i'm worried", "feeling", words=["worried"], later=timedelta(days=1))
    got = notable.vulnerable(chat.sessions())
    assert [(m.excerpt, m.met) for m in got] == [
        ("i'm worried", ["no reply"]),
        ("i felt so jealous", ["explore"]),
        ("i'm scared of losing her, i feel lost, alone and guilty", ["validate", "fix"]),
    ]
    assert got[1].reason == "you let yourself be seen (jealous); they replied: explore"
    assert got[2].reason == (
        "you let yourself be seen (scared, losing, lost, alone); they replied: validate, fix"
    )
    assert got[2].reply == "oh love / then call her"  # their whole next run
    assert got[0].at == (START + timedelta(days=2, minutes=4)).isoformat(timespec="minutes")
    assert [m.excerpt for m in notable.vulnerable(chat.sessions(), limit=1)] == ["i'm worried"]


def test_fixed_lists_their_sure_feelings_met_by_fixing_or_playing_down_newest_first() -> None:
    chat = Chat()
    chat.say("them", "i'm drowning at work, stressed, behind, scared, exhausted", "feeling",
             words=["drowning", "stressed", "behind", "scared", "exhausted"])  # fmt: skip
    chat.say("me", "just quit", moves=("fix",))
    chat.say("them", "i'm so nervous", "feeling", words=["nervous"], later=timedelta(days=1))
    chat.say("me", "don't worry, try to sleep", moves=("fix", "minimise"))
    chat.say("them", "i'm sad", "feeling", words=["sad"], later=timedelta(days=1))
    chat.say("me", "that's hard", moves=("validate",))
    chat.say("them", "i'm tired", "feeling", sure=(), words=["tired"], later=timedelta(days=1))
    chat.say("me", "sleep more", moves=("fix",))  # their feeling is not sure: not listed
    chat.say("them", "i'm lonely", "feeling", words=["lonely"], later=timedelta(days=1))
    chat.say("me", "at least you have the cat", moves=("minimise",))
    got = notable.fixed(chat.sessions())
    assert got.pop(0).reason == "they disclosed a feeling (lonely); your reply played it down"
    assert [m.excerpt for m in got] == [
        "i'm so nervous",
        "i'm drowning at work, stressed, behind, scared, exhausted",
    ]
    assert got[0].reason == (
        "they disclosed a feeling (nervous); your reply tried to fix it and played it down"
    )
    assert got[1].reason == (  # "behind" weighed, but names no feeling; three words at most
        "they disclosed a feeling (drowning, stressed, scared); your reply tried to fix it"
    )
    assert len(notable.fixed(chat.sessions(), limit=1)) == 1


def test_redirects_after_a_sure_feeling_or_a_sure_thought_with_hard_news() -> None:
    chat = Chat()
    chat.say("them", "i think my dad is in hospital again", "thought", words=["i think"])
    chat.say("me", "anyway, the game?", moves=("redirect",))
    chat.say("them", "i think the film was long", "thought", later=timedelta(days=1))
    chat.say("me", "anyway, dinner?", moves=("redirect",))  # no hard news: not listed
    chat.say("them", "i'm so lonely", "feeling", words=["lonely"], later=timedelta(days=1))
    chat.say("me", "anyway, work was mad", moves=("redirect",), sure=())  # not sure: not listed
    chat.say("them", "i'm scared and sad and lost and tired", "feeling",
             words=["scared", "sad", "lost", "tired"], later=timedelta(days=1))  # fmt: skip
    chat.say("me", "anyway, so, lol, whatever", moves=("redirect",),
             turned=("anyway", "so", "lol", "whatever"))  # fmt: skip
    chat.say("them", "i'm worried", "feeling", words=["worried"], later=timedelta(days=1))
    chat.say("me", "did you eat", moves=("redirect",), turned=())  # nothing to quote
    got = notable.redirects(chat.sessions())
    assert [m.excerpt for m in got] == [
        "i'm worried",
        "i'm scared and sad and lost and tired",
        "i think my dad is in hospital again",
    ]
    assert got[0].reason == "after they said something hard (worried), your reply turned away"
    assert got[1].reason == (
        "after they said something hard (scared, sad, lost), "
        "your reply turned away ('anyway', 'so', 'lol')"
    )
    assert got[2].reason == (  # the hard news, not the model's "i think"
        "after they said something hard (hospital), your reply turned away ('anyway')"
    )
    assert len(notable.redirects(chat.sessions(), limit=1)) == 1


def test_glad_news_is_no_pain_fixed_nor_a_hard_disclosure_turned_from() -> None:
    """A sure feeling told only in glad words, met by advice or a change of topic, is in none of
    the lists of pain; hard news told as a thought is pain met by fixing."""
    chat = Chat()
    chat.say("them", "i'm so excited i could scream", "feeling", words=["so excited"])
    chat.say("me", "you should see the lagoon at night", moves=("fix",))
    chat.say("them", "love you, so happy", "feeling", words=["love you"], later=timedelta(days=1))
    chat.say("me", "anyway, dinner?", moves=("redirect",))
    chat.say("them", "i think dad is in hospital again", "thought", later=timedelta(days=1))
    chat.say("me", "ring the ward now", moves=("fix",))
    assert notable.redirects(chat.sessions()) == []
    assert notable.hardest(chat.sessions()) == []
    (got,) = notable.fixed(chat.sessions())
    assert got.excerpt == "i think dad is in hospital again"
    assert got.reason == "they told hard news (hospital); your reply tried to fix it"


def test_notable_passes_its_limit_to_every_list() -> None:
    chat = Chat()
    for n in range(3):
        chat.say("them", f"i'm sad {n}", "feeling", words=["sad"], later=timedelta(days=1))
        chat.say("me", f"cheer up {n}", "feeling", moves=("minimise", "redirect"),
                 words=["cheer"])  # fmt: skip
    chat.say("them", "ok", later=timedelta(minutes=1))
    moments = notable.notable(chat.sessions(), limit=2)
    counts = {k: len(v) for k, v in moments.to_dict().items()}
    assert counts == {"their_hardest": 2, "my_vulnerable": 2, "fixed": 2, "redirects": 2}
    assert {k: len(v) for k, v in notable.notable(chat.sessions()).to_dict().items()} == {
        "their_hardest": 3, "my_vulnerable": 3, "fixed": 3, "redirects": 3
    }  # fmt: skip


def test_the_reason_shows_words_of_feeling_not_every_word_that_weighed() -> None:
    """The model weighs words that name no feeling ("kids", "sat", "on and"): of its words a
    reason shows those in tarry's feeling and hard-news lists, then falls back to the listed
    phrases of the message, then to the model's words when the message lists none."""
    chat = Chat()
    chat.say("them", "i miss the kids so much, i sat in the car crying", "feeling",
             words=["i miss", "kids", "sat"])  # fmt: skip
    chat.say("them", "honestly i'm so ashamed of it", "feeling", words=["honestly", "of it"],
             later=timedelta(days=1))  # fmt: skip
    chat.say("them", "i just want to move on", "feeling",
             words=["i", "just want", "their word 'exam'", "move on"],
             later=timedelta(days=1))  # fmt: skip
    reasons = {m.excerpt: m.reason for m in notable.hardest(chat.sessions())}
    assert reasons["i miss the kids so much, i sat in the car crying"].startswith(
        "they disclosed a feeling (i miss, crying); "  # crying: hard news it tells
    )
    assert reasons["honestly i'm so ashamed of it"].startswith(
        "they disclosed a feeling (ashamed); "
    )
    assert reasons["i just want to move on"].startswith(  # its words, not "i" or theirs
        "they disclosed a feeling (just want, move on); "
    )


def test_a_redirect_is_shown_by_the_replys_own_words_not_theirs() -> None:
    chat = Chat()
    chat.say("them", "i'm still shaking", "feeling", words=["still shaking"])
    chat.say("me", "oh btw did you see the match", moves=("redirect",),
             turned=("their word 'shaking'", "they said 'shaking'", "match"))  # fmt: skip
    (got,) = notable.redirects(chat.sessions())
    assert got.reason == (
        "after they said something hard (still shaking), your reply turned away "
        "('oh btw', 'did you see', 'match')"
    )


def test_a_redirects_words_are_each_shown_once() -> None:
    """The model's evidence may hold a list's phrases joined ("anyway, random question"), beside
    the same phrases found by the word lists: the demo's report said "turned away ('anyway',
    'random question', 'anyway, random question')"."""
    chat = Chat()
    chat.say("them", "maybe. i'm scared this time it's different", "feeling", words=["i'm scared"])
    chat.say("me", "anyway, random question, are you coming to the quiz on thursday?",
             moves=("redirect",), turned=("anyway, random question", "anyway", "quiz"))  # fmt: skip
    (got,) = notable.redirects(chat.sessions())
    assert got.reason.endswith("your reply turned away ('anyway', 'random question', 'quiz')")
