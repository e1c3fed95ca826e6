"""Professional growth: needs monitoring, deficits, individual routes, tutors, transcripts."""
