// Module TextFeatures.
