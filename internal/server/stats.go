package server

import "database/sql"

// sqlStats is sql.DBStats under a short name for the metric functions.
type sqlStats sql.DBStats
