// Module ImageFeatures.
