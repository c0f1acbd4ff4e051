"""Case notes: the agreement owner's working notes on a tip, sealed like its narrative."""
