"""`sopbot simulate`: a whole quarter of SOP 004 in the real bot, with no token and no set-up."""
