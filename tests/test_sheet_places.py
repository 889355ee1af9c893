"""Places in the sheet said in other words: "the top state in the table", "which song was last on this album",
"on top of X", and places left blank above the numbered ones (medal rows); each answer cross-checked with pandas."""
import pandas as pd
import pytest

from tests.test_shapes import answered, pipeline_over

STATES = pd.DataFrame({
    "State": ["Assam", "Bihar", "Goa", "Kerala", "Punjab", "Sikkim"],
    "Candidates": [19, 153, 3, 40, 12, 2],
    "Elected": [1, 5, 0, 2, 6, 0],
})
TRACKS = pd.DataFrame({
    "#": [1, 2, 3, 4, 5],
    "Title": ["Intro", "Funk Mode", "At Large", "Grand Groove", "Outro"],
    "Producer": ["K-Def", "K-Def", "Marley Marl", "K-Def", "K-Def"],
})
SHIPS = pd.DataFrame({
    "Name": ["Flandria", "Patria", "Linda", "San Tiburcio", "Doris", "Tringa"],
    "Nationality": ["Sweden", "Sweden", "Estonia", "United Kingdom", "French Navy", "United Kingdom"],
    "Tonnage": [1179, 1188, 1213, 5995, 552, 1930],
})
# the first three places are medals, shown as pictures: their cells are blank
MEDALS = pd.DataFrame({
    "Rank": [None, None, None, 4, 5, 6, 7],
    "Athlete": ["Ann Berg", "Bea Cole", "Cat Dunn", "Dot Ekes", "Eve Fors", "Fay Gale", "Gil Hart"],
    "Nation": ["Norway", "Kenya", "Japan", "Kenya", "Spain", "Chile", "Peru"],
    "Time": [48.1, 48.3, 48.4, 48.6, 48.9, 49.0, 49.2],
})


def one(ans):
    """The one value of an answer, given as itself or as a list of one row."""
    v = ans.value
    assert not isinstance(v, list) or len(v) == 1, v
    return v[0] if isinstance(v, list) else v


@pytest.fixture(scope="module")
def pipes(tmp_path_factory):
    frames = {"states": STATES, "tracks": TRACKS, "ships": SHIPS, "medals": MEDALS}
    return {n: pipeline_over(tmp_path_factory, n, df) for n, df in frames.items()}


def test_the_top_row_in_the_table_names_no_number(pipes):
    assert answered(pipes["states"], "What is the top state in the table?").value == STATES.State.iloc[0]
    assert answered(pipes["states"], "Which is the bottom state on the list?").value == STATES.State.iloc[-1]
    # "top" with a number named is that number's top, not the sheet's first row
    top = answered(pipes["states"], "Which state has the top number of candidates?")
    assert top.value == STATES.loc[STATES.Candidates.idxmax(), "State"] != STATES.State.iloc[0]
    # "top" of nothing and no sheet named: which number is not said
    assert pipes["states"].answer("Which is the top state?").status != "answered"


def test_first_or_last_said_after_the_noun(pipes):
    assert answered(pipes["tracks"], "Which song was last on this album?").value == TRACKS.Title.iloc[-1]
    assert answered(pipes["tracks"], "Which track is first on the album?").value == TRACKS.Title.iloc[0]


def test_on_top_of_a_named_row_is_the_row_above(pipes):
    i = SHIPS.index[SHIPS.Nationality == "French Navy"][0]
    assert answered(pipes["ships"], "What nationality is on top of French Navy?").value == SHIPS.Nationality.iloc[i - 1]
    j = SHIPS.index[SHIPS.Name == "Doris"][0]
    assert answered(pipes["ships"], "Which name is on top of Doris?").value == SHIPS.Name.iloc[j - 1]
    # "on top of the list" stays the sheet's first row
    assert answered(pipes["ships"], "Which name is on top of the list?").value == SHIPS.Name.iloc[0]


def test_blank_places_above_the_numbered_ones_are_the_first_rows(pipes, tmp_path_factory):
    m = MEDALS
    assert one(answered(pipes["medals"], "Which athlete took first place?")) == m.Athlete.iloc[0]
    got = answered(pipes["medals"], "What was the nation of the second place athlete?")
    assert one(got) == m.Nation.iloc[1] and "number 2 in the sheet" in got.interpretation
    # a blank row lower down: the blanks are not only the places above the numbers, so place 1 is not read
    gap = m.assign(Rank=[None, None, None, 4, None, 6, 7])
    assert pipeline_over(tmp_path_factory, "gap", gap).answer("Which athlete took first place?").status != "answered"
    # blanks above a first number that is not the next place (two blanks above 4): not the medal rows
    off = m.iloc[1:].reset_index(drop=True)
    assert pipeline_over(tmp_path_factory, "off", off).answer("Which athlete took first place?").status != "answered"


GAMES = pd.DataFrame({
    "Week": [1, 2, 3, 4, 5, 6],
    "Date": pd.to_datetime(["2021-09-05", "2021-09-12", "2021-09-19", "2021-09-26", "2021-10-03", "2021-10-10"]),
    "Opponent": ["Bears", "Lions", "Jets", "Rams", "Colts", "Bills"],
    "Attendance": [61000, 58250, 70100, 52400, 66800, 49900],
})


def test_the_difference_between_the_first_and_last_rows(tmp_path_factory):
    pipe = pipeline_over(tmp_path_factory, "games", GAMES)
    got = answered(pipe, "What is the difference in attendance between the first and last game of the season?")
    assert got.value == abs(GAMES.Attendance.iloc[0] - GAMES.Attendance.iloc[-1]) == 11100
    # listed latest first: the first game is the earliest, not the top row; either reads, so no answer
    late = pipeline_over(tmp_path_factory, "late", GAMES.iloc[::-1].reset_index(drop=True))
    assert late.answer("What is the difference in attendance between the first and last game?").status != "answered"
    # another condition picks other rows than the sheet's ends
    assert pipe.answer("What is the difference in attendance between the first and last game against the "
                       "Jets?").status != "answered"


ROUNDS = pd.DataFrame({
    "Round": [1, 2, 3, 4, 5, 6],
    "Venue": ["Kardinia Park", "WACA Ground", "Subiaco Oval", "Victoria Park", "Waverley Park", "WACA Ground"],
    "Attendance": [20781, 24886, 35100, 26276, 41200, 17662],
})


def test_the_first_row_to_meet_a_condition(tmp_path_factory):
    pipe = pipeline_over(tmp_path_factory, "rounds", ROUNDS)
    over = ROUNDS[ROUNDS.Attendance > 30000]
    assert len(over) == 2
    got = answered(pipe, "Which venue was the first to have over 30,000 attendees?")
    assert got.value == over.Venue.iloc[0] == "Subiaco Oval"
    assert answered(pipe, "Which venue was the last to have over 30,000 attendees?").value == over.Venue.iloc[-1]
