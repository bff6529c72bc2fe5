// Module FeaturePipeline.
