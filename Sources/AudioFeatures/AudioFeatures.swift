// Module AudioFeatures.
