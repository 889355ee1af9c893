"""'how many' questions whose words test cells by a quoted word or letter, say a verb of none, a number of the
table's kind, or put the subject between "did" and "not" (issue #16), each cross-checked with pandas."""
import pandas as pd
import pytest

from tests.test_shapes import answered, pipeline_over

SONGS = pd.DataFrame({
    "Draw": [1, 2, 3, 4, 5, 6, 7],
    "Song": ['"Say That You Love Me"', '"Oh, Darling"', '"Feed Him With Love"', '"Lovely Day"', '"Glove Story"',
             '"Tell Me"', '"Take It"'],
    "Owner": ["Fleetwood Stable", "Milton Young", "Beverwyck Stable", "Stables Inc", "Ann Lee", "Tom Ray", "Bo Li"],
    "Points": [66, 80, 57, 40, 31, 12, 9],
})
DRIVERS = pd.DataFrame({
    "Fin": list(range(1, 9)),
    "Driver": ["Ann Lee", "Bo Chen", "Cy Diaz", "Di Evans", "Ed Ford", "Flo Gray", "Gus Hale", "Hal Ives"],
    "Bonus": [10, 5, None, 5, None, None, 5, None],
    "Points": [195, 175, 170, 160, 150, 140, 130, 120],
})
MEDALS = pd.DataFrame({
    "Nation": ["China", "Malaysia", "Japan", "Korea", "Iran", "India", "Oman"],
    "Gold": [9, 3, 2, 1, 0, 0, 0],
    "Silver": [3, 3, 3, 0, 1, 0, 0],
    "Bronze": [2, 1, 6, 0, 0, 1, 1],
    "Total": [14, 7, 11, 1, 1, 1, 1],
})
SEASONS = pd.DataFrame({
    "Year": [2008, 2009, 2010, 2011, 2012, 2013],
    "League": ["NPSL"] * 6,
    "Playoffs": ["Did not qualify", "Did not qualify", "Semifinals", "Did not qualify", "Final", "Did not qualify"],
    "Open Cup": ["Did not qualify", "Semifinals", "Did not qualify", "Did not qualify", "Final", "1st Round"],
})


@pytest.fixture(scope="module")
def pipes(tmp_path_factory):
    frames = {"songs": SONGS, "drivers": DRIVERS, "medals": MEDALS, "seasons": SEASONS}
    return {n: pipeline_over(tmp_path_factory, n, df) for n, df in frames.items()}


def _words(series: pd.Series, word: str) -> int:
    return int(series.str.lower().str.strip('"').str.contains(rf"(?<!\w){word}(?!\w)", regex=True).sum())


def test_the_word_a_cell_holds_is_a_whole_word(pipes):
    # "Lovely Day" and "Glove Story" hold the letters, not the word
    expect = _words(SONGS.Song, "love")
    assert expect == 2
    assert answered(pipes["songs"], 'How many songs had the word "love" in the title?').value == expect
    assert answered(pipes["songs"], 'How many of the owners names include the word "stable"?').value == \
        _words(SONGS.Owner, "stable") == 2


def test_names_that_start_with_a_letter(pipes):
    expect = int(SONGS.Song.str.strip('"').str.lower().str.startswith("t").sum())
    assert answered(pipes["songs"], 'How many songs start with "t"?').value == expect == 2
    # no cell starts with it: the test is left unread, so nothing is answered (never all the songs)
    assert pipes["songs"].answer('How many songs start with "q"?').status != "answered"


def test_a_word_no_cell_holds_is_not_answered(pipes):
    assert pipes["songs"].answer('How many songs had the word "rain" in the title?').status != "answered"


def test_a_verb_of_none_is_read_with_the_empty_cells(pipes):
    expect = int(DRIVERS.Bonus.isna().sum())
    assert answered(pipes["drivers"], "How many drivers earned no bonus?").value == expect == 4


def test_a_number_of_the_kind_is_the_total(pipes):
    expect = int((MEDALS.Total == 1).sum())
    assert answered(pipes["medals"], "How many nations only took one medal?").value == expect == 4
    assert answered(pipes["medals"], "How many nations won 11 medals?").value == int((MEDALS.Total == 11).sum())
    # a comparison stays a comparison
    assert answered(pipes["medals"], "How many nations won more than 5 medals?").value == int((MEDALS.Total > 5).sum())


def test_the_subject_between_did_and_not(pipes):
    expect = int((SEASONS.Playoffs == "Did not qualify").sum())
    assert answered(pipes["seasons"], "How many years did they not qualify for the playoffs?").value == expect == 4
    # the cell is in two columns and the question names neither: no guess
    assert pipes["seasons"].answer("How many years did they not qualify?").status != "answered"
