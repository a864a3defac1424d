"""The synthetic spam/ham corpus of chapter 5 and the exact posterior of its process.

Introduced in chapter 5, Generative versus discriminative: a generator whose words are
deliberately *not* independent given the class, so naive Bayes' assumption is false, and
whose Bayes-optimal ``p(spam | x)`` is known exactly (no download).
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    check_binary,
    check_float,
    check_int,
    check_rng,
)

__all__ = ["SPAM_TOPICS", "make_spam_corpus", "spam_posterior"]

#: The chapter's synthetic e-mail generator: each topic lists the phrases it makes likely.
#: "bank account" is one phrase, so the words "bank" and "account" always co-occur.
SPAM_TOPICS: dict[str, dict[str, tuple[str, ...]]] = {
    "spam": {
        "prize": ("free", "winner", "prize", "click", "claim", "cash", "congratulations"),
        "phishing": ("bank account", "password", "verify", "urgent", "click", "login"),
        "offer": ("free", "offer", "cheap", "order", "discount", "click", "unsubscribe"),
    },
    "ham": {
        "work": ("meeting", "project", "report", "schedule", "deadline", "attached", "thanks"),
        "personal": ("family", "weekend", "dinner", "thanks", "photos", "birthday"),
        "banking": ("statement", "payment", "login", "attached", "order", "balance"),
    },
}
_NEUTRAL_WORDS = ("hello", "today", "please", "email", "time", "regards")


def _spam_model(spam_fraction, p_topic_word, p_background, p_neutral):
    """Phrases, vocabulary, phrase -> word matrix and the topic table of the generator."""
    probs = {}
    for name, value in [
        ("spam_fraction", spam_fraction),
        ("p_topic_word", p_topic_word),
        ("p_background", p_background),
        ("p_neutral", p_neutral),
    ]:
        probs[name] = check_float(value, name, low=0.0, high=1.0)
    phrases = sorted(
        {w for topics in SPAM_TOPICS.values() for ws in topics.values() for w in ws}
        | set(_NEUTRAL_WORDS)
    )
    vocabulary = sorted({w for p in phrases for w in p.split()})
    # Word-presence probability of every phrase under each of the six topics.
    rows = []
    for cls in ("ham", "spam"):
        for words in SPAM_TOPICS[cls].values():
            rows.append(
                [
                    probs["p_topic_word"]
                    if w in words
                    else probs["p_neutral"]
                    if w in _NEUTRAL_WORDS
                    else probs["p_background"]
                    for w in phrases
                ]
            )
    # A phrase's first word stands for the phrase ("bank" for "bank account").
    first_word = [vocabulary.index(p.split()[0]) for p in phrases]
    return probs, phrases, vocabulary, np.array(rows), first_word


def make_spam_corpus(
    n_emails: int,
    rng: np.random.Generator,
    *,
    spam_fraction: float = 0.4,
    p_topic_word: float = 0.6,
    p_background: float = 0.04,
    p_neutral: float = 0.35,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """A synthetic spam/ham corpus as binary word-presence features (no download).

    Introduced in chapter 5, Generative versus discriminative. The generative process, per
    e-mail: ``y ~ Bernoulli(spam_fraction)`` (1 = spam); a topic ``z`` uniform among the
    three topics of class ``y`` in :data:`SPAM_TOPICS`; then each phrase appears
    independently, with probability ``p_topic_word`` if topic ``z`` lists it,
    ``p_neutral`` for the neutral words (hello, today, ...) and ``p_background`` otherwise.
    The phrase "bank account" switches on both words "bank" and "account". Given ``y``
    alone the words are therefore *not* independent (they share the topic), and "bank" and
    "account" are perfectly correlated: naive Bayes' assumption is deliberately false.
    :func:`spam_posterior` gives the exact ``p(spam | x)`` of this process.

    Parameters
    ----------
    n_emails : int
    rng : numpy.random.Generator
    spam_fraction, p_topic_word, p_background, p_neutral : float in [0, 1]

    Returns
    -------
    X : array of shape (n_emails, n_words), dtype uint8
        ``X[e, i] = 1`` if word ``i`` appears in e-mail ``e``.
    y : array of shape (n_emails,), dtype int64
        1 for spam, 0 for ham.
    vocabulary : list of str, length n_words (alphabetical)
    """
    n_emails = check_int(n_emails, "n_emails", minimum=1)
    rng = check_rng(rng)
    probs, phrases, vocabulary, topic_probs, _ = _spam_model(
        spam_fraction, p_topic_word, p_background, p_neutral
    )
    y = (rng.random(n_emails) < probs["spam_fraction"]).astype(np.int64)
    z = 3 * y + rng.integers(0, 3, size=n_emails)  # topics 0-2 are ham, 3-5 spam
    present = rng.random((n_emails, len(phrases))) < topic_probs[z]
    X = np.zeros((n_emails, len(vocabulary)), dtype=np.uint8)
    for j, phrase in enumerate(phrases):
        for word in phrase.split():
            X[:, vocabulary.index(word)] |= present[:, j]
    return X, y, vocabulary


def spam_posterior(
    X,
    *,
    spam_fraction: float = 0.4,
    p_topic_word: float = 0.6,
    p_background: float = 0.04,
    p_neutral: float = 0.35,
) -> np.ndarray:
    """The exact ``p(spam | x)`` of :func:`make_spam_corpus`'s process (the Bayes optimum).

    Introduced in chapter 5, Generative versus discriminative. Sums the six topics out:
    ``p(y, x) = p(y) sum_z p(z | y) prod_phrases p(phrase | z)``, in log space.

    Parameters
    ----------
    X : array of shape (n_emails, n_words), binary, columns in the corpus vocabulary
    spam_fraction, p_topic_word, p_background, p_neutral : float
        The generator's settings.

    Returns
    -------
    p_spam : array of shape (n_emails,)
    """
    probs, phrases, vocabulary, topic_probs, first_word = _spam_model(
        spam_fraction, p_topic_word, p_background, p_neutral
    )
    X = check_binary(X, "X", n_features=len(vocabulary))
    P = X[:, first_word]  # phrase presence
    with np.errstate(divide="ignore"):
        log_lik = P @ np.log(topic_probs).T + (1 - P) @ np.log1p(-topic_probs).T  # (n, 6)
    log_prior = np.log([1 - probs["spam_fraction"], probs["spam_fraction"]]) - np.log(3)
    joint = log_lik + np.repeat(log_prior, 3)
    m = joint.max(axis=1, keepdims=True)
    per_class = np.log(np.exp(joint - m).reshape(-1, 2, 3).sum(axis=2))
    return np.exp(per_class[:, 1] - np.logaddexp(per_class[:, 0], per_class[:, 1]))
