-- 008: the service hall's favourites and recently viewed services, personal (a recent 离婚登记 or
-- 最低生活保障 says much), so sealed under the data key as one row: `sealed` holds the JSON
-- {"favourites": [code, …], "recent": [[code, viewed_at], …]} bound to the row's id.
CREATE TABLE hall_marks (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sealed BLOB NOT NULL
) STRICT;
