// Module NeuralNet.
