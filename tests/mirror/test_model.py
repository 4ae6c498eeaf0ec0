"""The mirror's model: the shipped file, how its scores become labels, evidence, its corpus."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tarry.mirror import evaluation
from tarry.mirror.lexicon import load, normalise, within
from tarry.mirror.model import corpus, features, labeller, train
from tarry.mirror.moves import MOVES, said_back

# ../shared beside the repository; TARRY_SHARED names it for a checkout that lives elsewhere.
SHARED = Path(os.environ.get("TARRY_SHARED") or Path(__file__).parents[3] / "shared") / "data"
HARD = [("other", "i got laid off today and i feel like such a failure")]
TEXTS = [
    "you should talk to your manager",
    "at least you have savings",
    "oh no, that sounds awful. what happened?",
    "i cried the whole night when mine left too",
    "anyway did you see the game?",
    "i'm so scared",
    "i think it's overrated",
    "ok",
]


def test_the_model_file_holds_every_head_with_thresholds() -> None:
    m = labeller.model()
    assert m.heads == corpus.HEADS
    assert m.names[0] == "bias" and len(m.names) == m.weights.shape[0] > 10_000
    for head in m.heads:
        assert 0 < m.threshold[head] < 1
        assert m.threshold[head] <= m.confident[head] <= 1
    assert labeller.version() == labeller.version() > 0


def test_no_earlier_message_of_theirs_means_no_moves() -> None:
    assert labeller.label("you should talk to your manager").moves == ()
    assert labeller.label("you should talk to your manager", [("me", "ugh")]).moves == ()
    # A set that knows a sentence answers someone may say so without their text.
    told = labeller.label_many([("you should talk to your manager", [])], replying=True)
    assert "fix" in told[0].moves


def test_labels_follow_the_scores_and_thresholds() -> None:
    m = labeller.model()
    texts = [*TEXTS, "you sound so stressed, and no wonder, it's your day"]
    for text, got in zip(texts, labeller.label_many([(t, HARD) for t in texts]), strict=True):
        p = got.scores
        assert set(p) == set(m.heads) and all(0 <= v <= 1 for v in p.values())
        assert set(got.moves) == {mv for mv in MOVES if p[mv] >= m.threshold[mv]}
        back = said_back(normalise(text))  # a feeling said back to them is not given
        given = [lv for head, lv in labeller.LEVELS if p[head] >= m.threshold[head]]
        level = next((lv for lv in given if not (lv == "feeling" and back)), "none")
        assert got.disclosure == level
        heads = {"feeling": "feeling", "thought": "at_least_thought", "fact": "at_least_fact"}
        for label in got.sure:
            head = heads.get(label, label)
            assert label in (got.disclosure, *got.moves) and p[head] >= m.confident[head]


def test_everyday_minimising_is_minimise() -> None:
    """Ways of playing pain down that tarry's chats hardly hold: the word lists carry them (all
    14 given by the shipped model; 13 while the threshold was 0.36, docs/mirror.md; without the
    lists, 0 of 14)."""
    replies = [
        "there's no point worrying yet",
        "others have it worse",
        "it is what it is",
        "worrying won't change anything",
        "it'll all blow over",
        "chin up!",
        "there's no point dwelling on it",
    ]
    turns = ("Can't stop worrying about Dad", "i didn't get the job. i feel like such a failure")
    items = [(reply, [("other", turn)]) for reply in replies for turn in turns]
    given = [labels for labels in labeller.label_many(items) if "minimise" in labels.moves]
    assert len(given) >= 13


def test_announcing_a_new_topic_after_their_pain_is_a_redirect() -> None:
    turns = ("Can't stop worrying about Dad", "i didn't get the job. i feel like such a failure")
    for turn in turns:
        lighter = "on a lighter note, i got tickets for saturday!"
        assert "redirect" in labeller.label(lighter, [("other", turn)]).sure  # a finding
        unrelated = "totally unrelated but have you tried the new thai place?"
        assert "redirect" in labeller.label(unrelated, [("other", turn)]).moves
    thanks = "on a lighter note, thank you for being there tonight, it meant a lot"
    assert "redirect" not in labeller.label(thanks, [("other", "i'm glad i could help")]).moves


def test_an_exclamation_of_sympathy_validates_and_asks_nothing() -> None:
    """None asks (the rule: red with `Lexicon.exclaims` never matching), and each validates: the
    `validate` list carries them, its weight no longer set by a bare "sorry" (`validate_weak`;
    "what a nightmare" 0.39 with one list, 0.49 against a threshold of 0.40 with two)."""
    for text in ("how awful", "how lonely that must be", "what a nightmare", "how exciting!!"):
        got = labeller.label(text, [("other", "my mum died last month")])
        assert got.question is None and got.moves == ("validate",), text


def test_an_exclamation_of_gladness_validates_whatever_its_adjective() -> None:
    """After glad news, with adjectives no training conversation exclaims with: the model reads
    an exclamation as one list (`moves.asking`, "exclaim"). Before it, "how wonderful" after a
    passed driving test was 0.39 against a threshold of 0.40, "how amazing" 0.22."""
    turn = [("other", "passed my driving test first time!!")]
    for text in ("how wonderful", "what fantastic news", "how amazing", "oh how cool",
                 "what an achievement!", "how cool is that!"):  # fmt: skip
        got = labeller.label(text, turn)
        assert got.question is None and got.moves == ("validate",), text
    assert labeller.label("how lovely, congrats!", turn).question is None  # was a follow-up
    hard = [("other", "got made redundant today, 12 years there")]
    for text in ("how devastating", "what a disaster"):  # 0.32 and 0.22 before chats-x
        assert labeller.label(text, hard).moves == ("validate",), text


def test_understanding_a_reaction_or_calling_it_natural_validates() -> None:
    """Validation without a word of sympathy: seeing why they feel it, saying anyone would, that
    it is natural, that one cannot picture it; and condolences. Before the word lists held
    these, "I understand why you're angry" was `validate` 0.38 against 0.40, "i can't imagine
    what it's like" 0.14, "Please accept my condolences." 0.05 (docs/mirror.md)."""
    hard = [("other", "My mom has been in hospital for two weeks and nobody tells us what's wrong")]
    for text in ("I can see why you'd be upset.", "I understand why you're angry",
                 "i can't imagine what it's like", "anyone would be stressed in your position",
                 "your feelings make total sense", "it's natural to feel hurt"):  # fmt: skip
        assert "validate" in labeller.label(text, hard).moves, text
    boss = [("other", "my boss keeps taking credit for my work and i'm furious")]
    for text in ("Stay strong.", "you can do this", "sending strength", "rooting for you!"):
        assert "validate" in labeller.label(text, boss).moves, text  # encouragement affirms
    loss = [("other", "My dad passed away last month and I still can't believe he's gone.")]
    for text in ("Please accept my condolences.", "My deepest sympathies to you and your family."):
        assert "validate" in labeller.label(text, loss).moves, text
    for text in ("i understand, see you at 5", "I can't imagine using cloth nappies without one"):
        assert "validate" not in labeller.label(text, [("other", "train's at 5")]).moves, text


def test_a_reply_without_apostrophes_reads_as_one_with_them() -> None:
    """ "thats so hard im here if u need me" was a feeling and no `validate`, "whats the doctor
    saying" no `explore`, "youre not alone in this" a thought: words the chats write with
    apostrophes, unknown without them."""
    turn = [("other", "my dad is in hospital again, they think its his heart")]
    for bare, written in (("thats so hard im here if u need me", "that's so hard, i'm here"),
                          ("whats the doctor saying", "what's the doctor saying?"),
                          ("youre not alone in this", "you're not alone in this")):  # fmt: skip
        got, want = labeller.label(bare, turn), labeller.label(written, turn)
        assert (got.disclosure, got.moves) == (want.disclosure, want.moves), bare
        assert got.moves, bare


def test_playing_it_down_in_the_words_of_an_order_is_not_advice() -> None:
    """ "don't stress about it" opens like advice; before the sentence opening skipped the
    `minimise` list's phrases it was given `fix` (0.70) beside `minimise`."""
    biopsy = [("other", "i have a biopsy on friday and i can't stop shaking")]
    for text in ("don't stress about it", "don't be silly, you'll be fine",
                 "don't worry about it, you'll smash it"):  # fmt: skip
        moves = labeller.label(text, biopsy).moves
        assert "minimise" in moves and "fix" not in moves, text
    assert "fix" in labeller.label("don't sign anything until you've read it", biopsy).moves


def test_an_invitation_to_tell_it_explores_and_is_not_advice() -> None:
    """ "talk to me" and "go ahead." open with verbs that give advice ("talk", "go"); answering a
    wish to tell something they invite it. Before the `explore` list held them and the sentence
    opening skipped its phrases, they were `fix` (0.71 and 0.82) and "fire away" nothing."""
    heavy = [("other", "can I tell you something kind of heavy")]
    for text in ("talk to me", "go ahead.", "tell me everything"):
        moves = labeller.label(text, heavy).moves
        assert "explore" in moves and "fix" not in moves, text


def test_telling_them_not_to_overthink_it_plays_it_down() -> None:
    """Before "overthink" phrases were in the `minimise` list, "don't overthink this, it went
    fine" was `fix` (0.38) beside `minimise`: "don't" opened it like advice."""
    replay = [("other", "i keep replaying that meeting, i think i messed it up")]
    moves = labeller.label("don't overthink this, it went fine", replay).moves
    assert "minimise" in moves and "fix" not in moves
    assert "minimise" in labeller.label("don't overthink it", replay).moves


def test_lifting_the_blame_or_calling_it_common_validates() -> None:
    """Telling them they are not to blame, not weak or crazy, that many feel the same: before the
    word lists held these, "lots of parents feel that way" was `validate` 0.13 and "needing a
    break isn't weak" 0.13 (threshold 0.46) after this turn (docs/mirror.md)."""
    hard = [("other", "i snapped at my daughter this morning and i feel like the worst mum alive")]
    for text in ("you're not a bad mum. you're exhausted", "lots of parents feel that way",
                 "needing a break isn't weak", "it's not your fault"):  # fmt: skip
        assert "validate" in labeller.label(text, hard).moves, text
    milk = [("other", "sorry, i forgot the milk again")]
    assert "validate" not in labeller.label("no need to apologise, i'll grab some", milk).moves


def test_a_sentence_opening_with_a_verb_that_tells_them_what_to_do_is_found() -> None:
    from tarry.mirror.model.features import IMPERATIVE, imperatives, read

    assert imperatives("swap who does the night shift.") == ("swap",)
    assert imperatives("ugh. ok just document everything") == ("document",)
    assert imperatives("hi! do that then") == ("do",)  # one sentence's verb, once
    assert imperatives("leave it. call her.") == ("leave", "call")
    assert imperatives("call you later? ok. text me") == ("text",)
    for text in ("call you later?", "i called the school", "stay strong.", "the call went well"):
        assert imperatives(text) == (), text
    # encouragement and playing it down that open with such a verb are phrases of the
    # `validate` and `minimise` lists, not advice
    for text in ("keep your head up x", "please don't apologise", "ok. keep your chin up",
                 "don't worry, it'll be fine", "try not to dwell on it"):  # fmt: skip
        assert imperatives(text) == (), text
    for text in ("talk to me", "go ahead.", "don't overthink it"):  # explore, minimise
        assert imperatives(text) == (), text
    assert imperatives("keep the receipts. don't apologise") == ("keep",)
    assert imperatives("don't worry. don't sign anything yet") == ("don't",)
    assert IMPERATIVE in read("Copy your boss's boss into the emails.").lists
    assert read("Copy your boss's boss into the emails.").phrases(IMPERATIVE) == ["copy"]


def test_advice_in_a_verb_the_chats_seldom_use_is_fix() -> None:
    """An imperative is advice whatever its verb (`lex:imperative`): before it, "Swap who does
    the night shift." was `fix` 0.05, "Copy your boss's boss into the emails." 0.30."""
    night = [("other", "my toddler has started waking up screaming every night, we're exhausted")]
    for text in ("Swap who does the night shift.", "Check whether she's teething.",
                 "Read up on night terrors, it sounds like that."):  # fmt: skip
        assert "fix" in labeller.label(text, night).moves, text
    boss = [("other", "my boss keeps taking credit for my work and i'm furious")]
    assert "fix" in labeller.label("Copy your boss's boss into the emails.", boss).moves


def test_a_question_word_after_a_verb_of_knowing_asks_nothing() -> None:
    """ "it's so hard not knowing what's going on" was `explore` 0.89 for its "what's going on";
    the question word after "knowing" is read as a word of its own, and the phrase it starts is
    not counted where nothing is asked."""
    from tarry.mirror.model.features import read

    said = read("it's so hard not knowing what's going on")
    assert "~what's" in said.words and "explore" not in said.lists
    asked = read("do you know what happened?")  # a question keeps what it asks
    assert "~what" in asked.words and "explore" in asked.lists
    assert "explore" in read("what's going on with her").lists
    # Right after it, one space apart: "no idea, what now" asks again (one definition, the
    # word lists' `knowing`, of where such a word is, for the words and the phrases alike).
    two = read("i wonder why he left. no idea, what now").words
    assert "~why" in two and "what" in two and "~what" not in two
    hard = [("other", "My mom has been in hospital for two weeks and nobody tells us what's wrong")]
    for text in ("it's so hard not knowing what's going on", "i wish i knew what was going on"):
        assert "explore" not in labeller.label(text, hard).moves, text
    for text in ("what's going on with her", "what happened", "do you know why he did it?"):
        assert "explore" in labeller.label(text, hard).moves, text


def test_a_feeling_said_back_to_them_is_not_the_writers_whatever_the_score() -> None:
    m = labeller.model()
    turn = [("other", "my mother in law keeps changing the wedding plans without asking me")]
    said = "you sound so stressed, and no wonder, it's your day and it's being taken over"
    got = labeller.label(said, turn, evidence=True)
    assert got.scores["feeling"] >= m.confident["feeling"]  # the model alone would report it
    assert got.disclosure != "feeling" and "feeling" not in got.sure
    assert "validate" in got.moves
    assert "said back to them: 'you sound so stressed'" in got.evidence["disclosure"]
    assert labeller.label("i'm so stressed, it's my day", turn).disclosure == "feeling"


def test_training_decides_a_feeling_as_the_labeller_does() -> None:
    import numpy as np

    texts = ["you must be exhausted", "i'm exhausted", "you must be exhausted"]
    examples = [corpus.Example("chats", "g", t, [], True, {"feeling": 0}) for t in texts]
    data = train.Data(examples, [[] for _ in texts])
    p = np.array([0.9, 0.9, 0.1])
    assert train.as_decided("feeling", p, data).tolist() == [0.0, 0.9, 0.0]
    assert train.as_decided("at_least_thought", p, data).tolist() == [0.9, 0.9, 0.1]


def test_training_chooses_a_region_of_settings_that_does_well_not_a_spike() -> None:
    """Dev scores by strength (rows) and dense weight (columns), shaped like the `share` head's
    of 2026-12-07: the best cell is a spike among weaker neighbours."""
    import numpy as np

    scores = np.array(
        [[0.696, 0.704, 0.711, 0.705, 0.604],
         [0.716, 0.711, 0.720, 0.714, 0.622],
         [0.718, 0.712, 0.720, 0.728, 0.640],
         [0.718, 0.717, 0.721, 0.718, 0.658],
         [0.726, 0.718, 0.724, 0.717, 0.676]]
    )  # fmt: skip
    steady = train._steady(scores)
    assert np.unravel_index(np.argmax(scores), scores.shape) == (2, 3)
    assert np.unravel_index(np.argmax(steady), steady.shape) == (4, 1)
    assert steady[0, 0] == pytest.approx((0.696 + 0.716 + 0.704) / 3)  # a corner: 2 neighbours


def test_cached_labels_are_redone_when_the_model_word_lists_or_rules_change() -> None:
    from importlib import resources

    from tarry.mirror.moves import VERSION

    words = resources.files("tarry.mirror").joinpath("lexicon.toml").read_bytes()
    assert labeller.version() == labeller.checksum(labeller._shipped(), words, VERSION)
    base = labeller.checksum(b"model", b"words", 1)
    changed = [
        labeller.checksum(b"model!", b"words", 1),
        labeller.checksum(b"model", b"words!", 1),
        labeller.checksum(b"model", b"words", 2),
    ]
    assert 0 < base < 2**31 and base not in changed and len(set(changed)) == 3


def test_clear_cases() -> None:
    """What any sane labeller gets right; quality is measured on held-out data (mirror eval)."""
    fix, least, explore, _, _, scared, _, ok = labeller.label_many([(t, HARD) for t in TEXTS])
    assert "fix" in fix.moves and "minimise" in least.moves
    assert {"explore", "validate"} <= set(explore.moves) and explore.question == "follow_up"
    assert scared.disclosure == "feeling" and ok.disclosure == "none" and ok.moves == ()


def test_a_feeling_named_by_an_everyday_emotion_word_is_a_feeling() -> None:
    """Words the chats seldom use, which the `feeling` list names since 2026-12-07 (before it,
    "I was livid." 0.11 against a threshold of 0.26, "I was ecstatic." 0.11); a look-alike stays
    a fact."""
    words = ("livid", "envious", "betrayed", "ecstatic", "overjoyed", "confused", "stunned")
    got = labeller.label_many([(f"I was {word}.", []) for word in words])
    assert [g.disclosure for g in got] == ["feeling"] * len(words)
    assert labeller.label("i touched the stove by accident").disclosure == "fact"


LONG_POST = (
    "so my sister borrowed two thousand dollars last spring for her car and promised to pay it "
    "back by christmas. nothing came, and when i asked in january she got angry and said i was "
    "being greedy, that family doesn't keep score. my mom says to let it go, my dad says she's "
    "always been like this. i'm not rich, that money was my emergency fund, and now every family "
    "dinner is awkward. i don't want to lose her over money but i also feel used. what now?"
)


def test_labelling_sees_exactly_the_features_training_saw() -> None:
    """The labeller caches each text's feature rows; they must be those of train.py's names,
    with training's values: 1 for the message's, `their_weight` for those of their turn."""
    import numpy as np

    m = labeller.model()
    index = {name: row for row, name in enumerate(m.names)}
    contexts = [[], HARD, [("me", "hey"), *HARD], [("other", "how are you?")]]
    contexts.append([("other", LONG_POST), ("me", "oh no"), ("other", "yeah. any advice?")])
    for text in TEXTS:
        for context in contexts:
            example = corpus.Example("chats", "g", text, list(context), bool(context), {})
            names = train.example_features(example)
            reading = labeller._reading(text, context)
            rows = labeller._rows(m, reading, any(a == "other" for a, _ in context))
            theirs = labeller._their_rows(reading)
            assert sorted([*rows, *theirs]) == sorted(m.rows(names))
            assert {m.names[r] for r in theirs} == {
                n for n in names if n.startswith(features.THEIRS) and n in index
            }
            x = train.matrix([names], index)
            expected = x @ m.weights[1:] + m.weights[0]
            got = labeller._sum_rows(m.weights, [rows])[0]
            if theirs:
                got += labeller._weighed_rows(m.weights, [theirs])
            assert np.allclose(got, expected)


def test_a_long_post_weighs_no_more_than_a_short_turn() -> None:
    """Each feature of their turn weighs 1/sqrt(how many the model knows): a reply to a
    150-word post is not pushed by its many words to scores no chat taught."""
    import numpy as np

    assert features.their_weight(0) == 0.0
    assert features.their_weight(1) == 1.0
    assert features.their_weight(16) == 0.25
    m = labeller.model()
    reading = labeller._reading("have you tried talking to her about it?", [("other", LONG_POST)])
    theirs = labeller._their_rows(reading)
    assert len(theirs) > 30
    block = labeller._weighed_rows(m.weights, [theirs])[0]
    assert np.allclose(block, m.weights[list(theirs)].sum(axis=0) / len(theirs) ** 0.5)


def test_only_a_long_message_of_several_sentences_is_read_sentence_by_sentence() -> None:
    assert features.sentences("ok. sure. fine.") == []  # not long
    one = "and then " * 14 + "it rained"
    assert features.sentences(one) == []  # long, but one sentence
    assert features.sentences(LONG_POST)[-1] == "what now?"
    assert features.sentences("x " * 20 + "end!\n" + "y " * 6) == [
        "x " * 19 + "x end!",
        "y " * 5 + "y",
    ]


def test_a_long_message_takes_its_sentences_highest_probability_for_the_heads_that_pool() -> None:
    """Summed over a paragraph, the other sentences drown the one that gives advice; for the
    heads training chose (`pools`) a long message scores as its best sentence, alone, would."""
    m = labeller.model()
    assert m.pools[m.heads.index("fix")] and not all(m.pools)  # both kinds are checked below
    text = (
        "oh no, that sounds so hard and i'm really sorry it has been such a rough week for you "
        "and your family. have you tried asking your doctor about it? i had the same thing last "
        "year and it was awful."
    )
    parts = features.sentences(text)
    assert len(parts) == 3
    got = labeller.label_many([(text, HARD), *((part, HARD) for part in parts)])
    reading = labeller._reading(text, HARD)  # the message read whole, as before pooling
    rows, theirs = labeller._rows(m, reading, True), labeller._their_rows(reading)
    whole = m.scores([rows], labeller.dense_scores(m, [reading]), [theirs])[0].round(4)
    for k, head in enumerate(m.heads):
        best = max(g.scores[head] for g in got[1:])
        expected = max(best, whole[k]) if m.pools[k] else whole[k]
        assert got[0].scores[head] == expected, head
    assert any(got[0].scores[h] > whole[k] for k, h in enumerate(m.heads))  # pooling told
    assert "fix" in got[0].moves


def test_word_pieces_are_berts_longest_first() -> None:
    vocabulary = {"over": 0, "##think": 1, "##thinking": 2, "##ing": 3, "?": 4, "x": 5, "'": 6}
    assert features.pieces("overthinking", vocabulary) == [0, 2]
    assert features.pieces("overthink", vocabulary) == [0, 1]
    # a part with no split is left out whole (BERT's [UNK]); marks are pieces of their own
    assert features.pieces("xq", vocabulary) == []
    assert features.pieces("over'x?", vocabulary) == [0, 6, 5, 4]


def test_the_dense_block_is_the_mean_embedding_times_weights() -> None:
    """The labeller's dense score is what training computed: the mean static vector of the
    message's word pieces (and of their last run), times weights folded into the tables."""
    import numpy as np

    m = labeller.model()
    assert m.dense is not None
    static = train.Static(train.EMBEDDINGS)
    assert list(m.dense.vocabulary) == static.pieces
    weights = {}
    for name in ("own", "theirs"):
        table = getattr(m.dense, name)
        assert not table[-1].any()  # the row of a text without known pieces
        solved, *_ = np.linalg.lstsq(static.vectors, table[:-1], rcond=None)
        assert np.allclose(static.vectors @ solved, table[:-1], atol=1e-4)
        weights[name] = solved
    for text in TEXTS:
        for context in ([], HARD, [*HARD, ("other", "and nobody even noticed")]):
            reading = labeller._reading(text, context)
            got = labeller.dense_scores(m, [reading])
            assert got is not None
            example = corpus.Example("chats", "g", text, list(context), bool(context), {})
            mean = train.dense_features(example, static)
            size = static.vectors.shape[1]
            want = mean[:size] @ weights["own"] + mean[size:] @ weights["theirs"]
            assert np.allclose(got[0], want, atol=1e-4)
    # unknown to the embedding: no dense score at all, not a made-up one
    nothing = labeller.dense_scores(m, [labeller._reading("...", [])])
    assert nothing is not None and not nothing.any()


def test_a_batch_gives_the_labels_of_one_by_one() -> None:
    batch = labeller.label_many([(t, HARD) for t in TEXTS], evidence=True)
    alone = [labeller.label(t, HARD, evidence=True) for t in TEXTS]
    assert [(b, b.scores, b.evidence) for b in batch] == [(a, a.scores, a.evidence) for a in alone]


def test_evidence_is_the_words_that_weighed_and_what_a_move_answers() -> None:
    got = labeller.label("oh no, that sounds awful. what happened?", HARD, evidence=True)
    assert got.evidence["answers"] == [HARD[0][1]]
    words = [w for w in got.evidence["validate"] if not w.startswith(ABOUT_THEM)]
    assert words and all(w in "oh no, that sounds awful. what happened?" for w in words)
    assert got.evidence["question"] and "disclosure" in got.evidence
    assert labeller.label("ok", HARD).evidence == {}  # only asked for


def test_sure_evidence_is_what_a_report_shows_and_no_more() -> None:
    """The store keeps ("sure") the words behind a confident feeling and a confident redirect,
    the same words full evidence gives; nothing for the labels a report never explains."""
    examples = evaluation.shipped("chats-test")
    items = [(e.text, list(e.context)) for e in examples]
    full = labeller.label_many(items, evidence=True)
    kept = labeller.label_many(items, evidence="sure")
    seen = set()
    for every, sure in zip(full, kept, strict=True):
        want = {}
        if "feeling" in sure.sure:
            want["disclosure"] = every.evidence["disclosure"]
        if "redirect" in sure.sure:
            want["redirect"] = every.evidence["redirect"]
        assert sure.evidence == want
        seen.update(want)
    assert seen == {"disclosure", "redirect"}  # both kinds were kept somewhere


ABOUT_THEM = ("they ", "their ", "asks ", "refers ", "takes up ")  # the turn, not the words


def test_an_exclamation_is_evidence_only_where_the_rules_found_one() -> None:
    """`exclaim` is the rules' list, not lexicon.toml's: a text they did not read for questions
    has none (evidence of their turn reads every message of it: a KeyError before)."""
    assert features.read("how lovely!!").phrases("exclaim") == ["how lovely"]
    plain = features.read("we got the flat")
    assert not plain.scanned and plain.phrases("exclaim") == []
    run = [("other", "we got the flat"), ("other", "how lucky was that!!")]
    got = labeller.label("what a result!", run, evidence=True)
    assert "validate" in got.moves and got.evidence["validate"]


def test_evidence_shows_each_phrase_once_and_no_bare_common_word() -> None:
    """ "love you", not "love you, love, you": a word inside a phrase already shown is not shown
    again, a phrase takes the place of the words it holds, and a common word alone ("i", "to",
    "you") is no evidence a person can read."""
    stop = load().stop
    for e in evaluation.shipped("chats-test"):
        got = labeller.label(e.text, list(e.context), evidence=True)
        for label, items in got.evidence.items():
            if label in ("question", "answers"):
                continue
            for k, item in enumerate(items):
                assert item not in stop, (e.text, label, items)
                for j, other in enumerate(items):
                    assert j == k or not within(item, other), (e.text, label, items)
                described = item.startswith(ABOUT_THEM) or "(" in item or ": " in item
                described |= item in got.evidence.get("question", ())  # the question's reason
                if not described:  # the message's own words, in its order
                    said = " " + " ".join(features.words(e.text)) + " "
                    assert not re.search(r"[\w?!] [?!]", item), item  # "together?", "!!"
                    for phrase in item.split(","):
                        assert " " + " ".join(features.words(phrase)) + " " in said, item
    bread = [("other", "Love you. Bringing home the good bread")]
    got = labeller.label("Love you", bread, evidence=True)
    assert got.evidence["disclosure"][0] == "love you"
    assert "love" not in got.evidence["disclosure"] and "you" not in got.evidence["disclosure"]


def test_workers_inherit_the_model_and_the_word_lists_loaded_before_the_fork() -> None:
    load.cache_clear()
    assert labeller.loaded() is labeller.model()
    assert load.cache_info().currsize == 1  # read once here, not once in each worker


def test_a_damaged_model_file_is_a_clear_error() -> None:
    from tarry.base.errors import StoreError

    with pytest.raises(StoreError, match="model file is damaged"):
        labeller.parse(b"not a model")


def test_a_model_file_with_a_cut_dense_block_is_a_clear_error(tmp_path: Path) -> None:
    import numpy as np

    from tarry.base.errors import StoreError

    heads = list(corpus.HEADS)
    parts = {
        "heads": heads, "features": ["bias"], "pieces": ["x", "##y"],
        "calibration": {h: [1.0, 0.0] for h in heads},
        "threshold": {h: 0.5 for h in heads}, "confident": {h: 0.9 for h in heads},
    }  # fmt: skip
    path = tmp_path / "mirror.model"
    labeller.write(path, parts, np.ones((1 + 4, len(heads))))  # bias, two pieces, twice
    whole = labeller.parse(path.read_bytes())
    assert whole.dense is not None and whole.dense.own.shape == (3, len(heads))
    labeller.write(path, parts, np.ones((1 + 3, len(heads))))  # one piece's row missing
    with pytest.raises(StoreError, match="model file is damaged"):
        labeller.parse(path.read_bytes())
    labeller.write(path, {**parts, "pieces": []}, np.ones((1 + 4, len(heads))))
    with pytest.raises(StoreError, match="model file is damaged"):
        labeller.parse(path.read_bytes())


def test_splits_are_by_conversation_and_stable() -> None:
    examples = corpus.chats(Path(__file__).parents[2] / "data" / "chats")
    by_group: dict[str, set[str]] = {}
    for e in examples:
        by_group.setdefault(e.group, set()).add(e.split)
    assert all(len(splits) == 1 for splits in by_group.values())
    counts = {s: sum(1 for e in examples if e.split == s) for s in corpus.SPLITS}
    assert counts["train"] > 2 * (counts["dev"] + counts["test"]) / 2 > 0
    assert corpus.split_of("chats", "a-001") == corpus.split_of("chats", "a-001")


def test_a_message_is_labelled_from_its_writers_side_with_what_came_before() -> None:
    examples = list(
        corpus.chat_examples(Path(__file__).parents[2] / "data" / "chats" / "legacy.jsonl")
    )
    third = next(e for e in examples if e.group == "legacy-x001" and e.text.startswith("oh no"))
    assert [a for a, _ in third.context] == ["me", "other"]
    assert third.replying and third.targets["explore"] == 1


def _example(source: str, group: str, text: str, split_moves: list[str] | None = None) -> Any:
    gold = {"moves": split_moves or []}
    return corpus.Example(source, group, text, [], True, {"fix": 1}, gold)


def test_public_sentences_answer_a_turn_from_the_chats_training_split() -> None:
    """Each public thread gets a turn the chats met with what its set answers (the other's last
    run): advice replies a turn met by advice, OffMyChest's a turn met by any move; the same for
    every sentence of the thread and on every run; a chats message keeps its own."""
    chats = corpus.chats(Path(__file__).parents[2] / "data" / "chats")
    moved = [e for e in chats if e.split == "train" and e.gold.get("moves") and e.context]
    unmoved = [e for e in chats if e.split == "train" and not e.gold.get("moves") and e.context]
    unseen = [e for e in chats if e.split == "test" and e.gold.get("moves") and e.context]
    allowed = {features.their_turn(e.context) for e in moved}
    fixed = {features.their_turn(e.context) for e in moved if "fix" in e.gold["moves"]}
    assert len(fixed) < len(allowed) / 2  # a narrower pool, so the test below can tell
    public = [
        _example("advice", f"askparents/t{n % 40}|train", f"try a timer {n}") for n in range(200)
    ]
    public += [_example("claff", f"post{n % 30}", f"i cried {n}") for n in range(100)]
    before = [(e.text, list(e.context)) for e in chats]
    got = corpus.with_turns([*chats, *public])
    assert [(e.text, e.context) for e in got[: len(chats)]] == before  # the chats: untouched
    turns = {}
    for e in public:
        run = tuple(text for _, text in e.context)
        assert e.context and all(a == "other" for a, _ in e.context)
        assert run in (fixed if e.source == "advice" else allowed)  # met by what it answers
        assert turns.setdefault(e.group.partition("|")[0], run) == run  # one per thread
    assert len(set(turns.values())) > 20  # spread over the turns, not one for all
    claff_turns = {tuple(t for _, t in e.context) for e in public if e.source == "claff"}
    assert claff_turns - fixed  # OffMyChest's replies answer more than requests for advice
    only_test = {features.their_turn(e.context) for e in unseen} - allowed
    only_unmoved = {features.their_turn(e.context) for e in unmoved} - allowed
    assert not any(tuple(t for _, t in e.context) in only_test | only_unmoved for e in public)
    again = corpus.with_turns([*corpus.chats(Path(__file__).parents[2] / "data" / "chats"),
                               *[_example(e.source, e.group, e.text) for e in public]])  # fmt: skip
    assert [e.context for e in again[len(chats) :]] == [e.context for e in public]


def test_a_public_dev_thread_answers_several_draws_of_turns() -> None:
    """What is chosen on dev must not follow one draw of the turns: a dev thread's sentences
    come once per draw, each draw the same for the whole thread; train and test threads once,
    answering the first draw, as with one draw."""
    chats = corpus.chats(Path(__file__).parents[2] / "data" / "chats")
    public = [_example("claff", f"post{n % 60}", f"i cried {n}") for n in range(300)]
    splits = {e.group: corpus.split_part(e) for e in public}
    assert {"train", "dev", "test"} <= set(splits.values())
    one = corpus.with_turns([*chats, *[_example(e.source, e.group, e.text) for e in public]])
    got = corpus.with_turns([*chats, *public], draws=3)[len(chats) :]
    first = {(e.text, tuple(e.context)) for e in one[len(chats) :]}
    by_text: dict[str, list[tuple[tuple[str, str], ...]]] = {}
    for e in got:
        by_text.setdefault(e.text, []).append(tuple(e.context))
    threads: dict[tuple[str, int], set[tuple[tuple[str, str], ...]]] = {}
    for e in public:
        contexts = by_text[e.text]
        assert len(contexts) == (3 if splits[e.group] == "dev" else 1)
        assert (e.text, contexts[0]) in first  # the first draw is the one-draw turn
        for draw, context in enumerate(contexts):
            threads.setdefault((e.group, draw), set()).add(context)
    assert all(len(turns) == 1 for turns in threads.values())  # one turn a thread and draw
    dev = {g for g, split in splits.items() if split == "dev"}
    drawn_apart = [len({*threads[g, 0], *threads[g, 1], *threads[g, 2]}) > 1 for g in dev]
    assert sum(drawn_apart) > len(dev) / 2


def test_a_public_thread_keeps_its_turn_when_the_chats_grow() -> None:
    """Rendezvous hashing: turns added to the pool take only the threads they now win, so more
    conversations move the public sets' figures through a few threads, not all of them."""
    pool = [(f"turn {n}",) for n in range(300)]
    grown = [*pool, *[(f"new turn {n}",) for n in range(30)]]
    threads = [f"thread{n}" for n in range(1000)]
    before = [pool[corpus.answering(t, corpus._keys(pool))] for t in threads]
    after = [grown[corpus.answering(t, corpus._keys(grown))] for t in threads]
    assert len(set(before)) > 250  # spread over the pool
    moved = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert 40 < len(moved) < 160  # about 1000 * 30 / 330
    assert all(b[0].startswith("new turn") for _, b in moved)  # only to the new turns


def test_public_set_text_is_made_ordinary() -> None:
    assert (
        corpus.detokenise("I do n't think it 's fine , is it ?")
        == "I don't think it's fine, is it?"
    )
    assert corpus._unescape("I<U+0092>m sobbing") == "I'm sobbing"


@pytest.mark.slow
@pytest.mark.timeout(900)  # two CPU minutes of fitting, longer on a busy machine
@pytest.mark.skipif(not SHARED.is_dir(), reason="the licensed sets are not in ../shared/data")
@pytest.mark.skipif(importlib.util.find_spec("sklearn") is None, reason="needs the train extra")
def test_training_again_gives_the_same_bytes(tmp_path: Path) -> None:
    out = tmp_path / "mirror.model"
    held_out = tmp_path / "chats-test.jsonl"
    assert (
        train.main(["--shared", str(SHARED), "--output", str(out), "--held-out", str(held_out)])
        == 0
    )
    assert out.read_bytes() == (Path(labeller.__file__).parent / labeller.FILE).read_bytes()


NO_MOVES = {"validate": 0, "fix": 0}
SUPPORT = {"validate": 1, "fix": 0}


def test_the_turns_check_counts_confident_labels_apart() -> None:
    from tarry.mirror.model import turns

    examples = [
        corpus.Example("advice", f"askparents/{n}|test", text, [], True, {"fix": fix})
        for n, (text, fix) in enumerate([
            ("you should talk to a lawyer about it", 1),  # fix, with confidence
            ("a routine helped us", 1),  # fix (0.43 against 0.28), not confident (0.50)
            ("my son is four", 0),
        ])
    ]  # fmt: skip
    written = {"advice": ["my son won't sleep, any advice?"], "claff": ["my dad died"]}
    got = {(r["head"], r["way"]): r for r in turns.rows(examples, written)}
    assert got["fix", "with a turn"]["recall"] == 1.0
    assert got["fix", "confident"]["recall"] == 0.5
    assert got["fix", "confident"]["precision"] == 1.0


def test_the_turns_check_labels_public_sentences_alone_and_as_replies(tmp_path: Path) -> None:
    from tarry.mirror.model import turns

    def example(source: str, group: str, text: str, targets: dict[str, int]) -> Any:
        return corpus.Example(source, group, text, [], True, targets)

    claff_test = next(f"p{n}" for n in range(500) if corpus.split_of("claff", f"p{n}") == "test")
    claff_train = next(f"p{n}" for n in range(500) if corpus.split_of("claff", f"p{n}") == "train")
    examples = [
        example("advice", "askparents/a|test", "you should talk to a lawyer about it", {"fix": 1}),
        example("advice", "askparents/b|test", "my son is four", {"fix": 0}),
        example("advice", "askparents/c|train", "try a sticker chart", {"fix": 1}),  # not scored
        # the writer's own feeling, on a topic of their own: no support (a bare "i'm so scared and
        # lonely" after their grief reads to the model as sympathy, validate 0.37, threshold 0.32)
        example(
            "claff",
            claff_test,
            "i'm so scared and lonely since my divorce",
            {"feeling": 1, **NO_MOVES},
        ),
        example("claff", claff_test, "that sounds so hard, i'm sorry", {"feeling": 0, **SUPPORT}),
        example("claff", claff_train, "i cried", {"feeling": 1, **NO_MOVES}),
    ]  # fmt: skip
    written = {"advice": ["my son won't sleep, any advice?"], "claff": ["my dad died last week"]}
    got = {(r["source"], r["head"], r["way"]): r for r in turns.rows(examples, written)}
    assert {r["n"] for r in got.values()} == {2}  # the test split only
    assert {way for _, _, way in got} == {"alone", "replying", "with a turn", "confident"}
    posts = {"advice": [LONG_POST], "claff": ["my dad died last week. " * 20]}
    long = {
        (r["source"], r["head"], r["way"]): r for r in turns.rows(examples, written, "test", posts)
    }
    assert long["advice", "fix", "a long post"]["f1"] == 1.0
    assert long["claff", "validate", "a long post"]["f1"] == 1.0
    assert long["advice", "fix", "whole replies"]["n"] == 2  # one reply in each thread
    assert long["claff", "feeling", "whole replies"]["n"] == 1  # two sentences of one reply
    assert got["advice", "fix", "alone"]["recall"] == 0  # no earlier message: no moves
    assert got["advice", "fix", "with a turn"]["f1"] == 1.0
    assert got["advice", "fix", "with a turn"]["all_positive_f1"] == round(2 / 3, 3)
    assert got["claff", "validate", "with a turn"]["f1"] == 1.0
    assert got["claff", "feeling", "alone"]["precision"] == 1.0
    assert turns.main(["--shared", str(tmp_path / "absent")]) == 2


def test_whole_replies_join_a_replys_sentences_in_order() -> None:
    from tarry.mirror.model import turns

    def sentence(text: str, writer: str, place: int, fix: int) -> corpus.Example:
        return corpus.Example(
            "advice", "t|test", text, [], True, {"fix": fix}, reply=(writer, place)
        )

    replies = turns.whole_replies([
        sentence("then call her.", "2", 4, 1), sentence("i'm sorry.", "2", 1, 0),
        sentence("my son is four.", "3", 0, 0),
    ])  # fmt: skip
    assert [(r.text, r.targets) for r in replies] == [
        ("i'm sorry. then call her.", {"fix": 1}),
        ("my son is four.", {"fix": 0}),
    ]


def test_a_folder_without_the_public_sets_is_named_with_what_it_lacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--shared` pointed one level too high (../shared, not ../shared/data), or at a folder
    holding only one set: exit 2 and the file that is not there, not a traceback."""
    from tarry.mirror.model import turns

    claff = tmp_path / "claff-offmychest" / "labeled_training_set.csv"
    for program in (turns.main, train.main):
        assert program(["--shared", str(tmp_path)]) == 2
        assert f"{claff}: not there" in capsys.readouterr().err
    claff.parent.mkdir()
    claff.write_text("")
    assert turns.main(["--shared", str(tmp_path)]) == 2
    assert "advice-reddit/*_train.tsv: not there" in capsys.readouterr().err
    (tmp_path / "advice-reddit").mkdir()
    (tmp_path / "advice-reddit" / "needadvice_train.tsv").write_text("")
    assert corpus.missing(tmp_path) is None


def test_offmychest_sympathy_is_not_learnt_as_the_writers_feeling(tmp_path: Path) -> None:
    """The set calls "I'm so sorry for your loss" an emotional disclosure; the contract calls it
    validation. Its feeling label is not trained on, and kept where it is only scored."""
    rows = {
        "sorry for your loss, hugs": "1",
        "I'm so sorry you went through that": "1",
        "I am truly sorry to hear it": "1",
        "I miss him every single day": "1",
        "sorry I was late, the bus broke down": "1",  # an apology of the writer's, not sympathy
        "I'm sorry you're sad": "0",  # not labelled emotional: nothing to leave out
    }
    by_split: dict[str, list[tuple[str, int]]] = {"train": [], "dev": [], "test": []}
    n = 0
    while any(len(v) < len(rows) for v in by_split.values()):
        n += 1
        split = corpus.split_of("claff", f"t{n}")
        if len(by_split[split]) < len(rows):
            by_split[split].append((f"t{n}", len(by_split[split])))
    path = tmp_path / "claff.csv"
    lines = ["id,full_text,Emotional_disclosure,Emo_support,Info_support"]
    texts = list(rows)
    for ids in by_split.values():
        lines += [f'{i},"{texts[k]}",{rows[texts[k]]},0,0' for i, k in ids]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = {(e.split, e.text): e.targets.get("feeling") for e in corpus.claff(path)}
    assert [got["train", t] for t in texts] == [None, None, None, 1, 1, 0]
    for split in ("dev", "test"):
        assert [got[split, t] for t in texts] == [1, 1, 1, 1, 1, 0]


def test_a_request_is_given_as_other_but_the_model_reads_the_rules_type() -> None:
    from tarry.mirror.model.features import read

    turn = [("other", "my test is at 9 tomorrow and i have no way to get there")]
    got = labeller.label("want me to drive you?", turn, evidence=True)
    assert got.question == "other"
    assert got.evidence["question"] == ["asks for or offers something ('want me to')"]
    # the model reads the type it was trained on: the rules' follow-up, the list unseen
    assert labeller._reading("want me to drive you?", turn).read_as == "follow_up"
    assert "request" not in read("want me to drive you?").lists
    asked = labeller.label("what happened?", [("other", "i failed my test")])
    assert asked.question == "follow_up"


def test_asking_what_help_they_want_explores_and_is_not_advice() -> None:
    """Asking whether they want advice or to be listened to invites them to say what they need
    (the guide's `explore`); its words ("advice", "ideas") are advice's, and before
    `chats-ac` and the `explore` list's phrases for it the demo's "Do you want advice, or just
    someone on your side tonight?" was `fix` (0.85) and listed as pain met by fixing."""
    asked = [
        ("Embarrassed. Angry. Mostly tired",
         "That makes sense. Do you want advice, or just someone on your side tonight?"),
        ("my landlord is keeping the whole deposit over one scuff on the wall",
         "ugh. do you want ideas or do you just need to rant for a bit?"),
        ("i think i bombed the interview, i froze on the easiest question",
         "do you want my honest take or should i just listen"),
    ]  # fmt: skip
    for turn, text in asked:
        moves = labeller.label(text, [("other", turn)]).moves
        assert "explore" in moves and "fix" not in moves, text
    deposit = [("other", asked[1][0])]
    for advice in ("you should take him to small claims, it's easy online",
                   "want me to ring him for you tomorrow?"):  # fmt: skip
        assert "fix" in labeller.label(advice, deposit).moves, advice
