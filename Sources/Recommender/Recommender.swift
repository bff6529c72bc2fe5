// Module Recommender.
