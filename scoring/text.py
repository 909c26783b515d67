"""Re-export of core.text: the tokeniser and word lists live below scoring and personas both."""
from core.text import *  # noqa: F401,F403
from core.text import CONTRACTIONS, FEELINGS, STOPWORDS, WORD_RE, content_words, stem, tokens  # noqa: F401
