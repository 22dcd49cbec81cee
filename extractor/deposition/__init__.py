"""What a deposition needs, built on records: the cryo-EM Table 1 of a
paper's maps, and checks that a map's files are ready for the EMDB."""
