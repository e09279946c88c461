using System.Numerics.Tensors;

namespace EdgeGateway.Training;

public enum TrainingLoss
{
    /// <summary>Mean squared error over the outputs (autoencoders).</summary>
    MeanSquared,

    /// <summary>Binary cross-entropy on a single logit output (classifiers).</summary>
    BinaryCrossEntropy,
}

/// <summary>
/// A small fully connected network: tanh hidden layers and a linear output, trained with Adam on
/// mini-batches. Weights are stored [inputs, outputs] row-major, the layout ONNX's MatMul takes, so
/// they are written to the model file as they are. Small on purpose: the gateway trains on first
/// run in a few seconds on one core.
/// </summary>
public sealed class DenseNetwork
{
    private readonly float[][] _mW, _vW, _mB, _vB;
    private int _step;

    public DenseNetwork(int[] sizes, Random random)
    {
        Sizes = sizes;
        Weights = new float[sizes.Length - 1][];
        Biases = new float[sizes.Length - 1][];
        for (var l = 0; l < Weights.Length; l++)
        {
            // Glorot-uniform initial weights keep tanh units out of saturation at the start.
            var limit = MathF.Sqrt(6f / (sizes[l] + sizes[l + 1]));
            Weights[l] = Enumerable.Range(0, sizes[l] * sizes[l + 1]).Select(_ => (float)(random.NextDouble() * 2 - 1) * limit).ToArray();
            Biases[l] = new float[sizes[l + 1]];
        }

        _mW = Weights.Select(w => new float[w.Length]).ToArray();
        _vW = Weights.Select(w => new float[w.Length]).ToArray();
        _mB = Biases.Select(b => new float[b.Length]).ToArray();
        _vB = Biases.Select(b => new float[b.Length]).ToArray();
    }

    public int[] Sizes { get; }

    /// <summary>Per layer, [inputs × outputs] row-major.</summary>
    public float[][] Weights { get; }

    public float[][] Biases { get; }

    public float[][] NewActivations() => Sizes.Select(s => new float[s]).ToArray();

    /// <summary>Runs the network; <paramref name="activations"/>[0] receives the input and the last entry the output.</summary>
    public void Forward(ReadOnlySpan<float> input, float[][] activations)
    {
        input.CopyTo(activations[0]);
        for (var l = 0; l < Weights.Length; l++)
        {
            var output = activations[l + 1];
            Biases[l].CopyTo(output, 0);
            var previous = activations[l];
            var width = Sizes[l + 1];
            for (var i = 0; i < previous.Length; i++)
            {
                TensorPrimitives.MultiplyAdd(Weights[l].AsSpan(i * width, width), previous[i], output, output);
            }

            if (l < Weights.Length - 1)
            {
                TensorPrimitives.Tanh(output, output);
            }
        }
    }

    /// <summary>
    /// Trains on (input, target) pairs. <paramref name="inputNoise"/> adds Gaussian noise to each input
    /// every time it is seen (a denoising autoencoder when targets are the clean inputs).
    /// </summary>
    public void Fit(float[][] inputs, float[][] targets, TrainingLoss loss, int epochs, int batchSize, float learningRate, Random random, float inputNoise = 0)
    {
        var activations = NewActivations();
        var deltas = Sizes.Select(s => new float[s]).ToArray();
        var gradW = Weights.Select(w => new float[w.Length]).ToArray();
        var gradB = Biases.Select(b => new float[b.Length]).ToArray();
        var noisy = new float[Sizes[0]];
        var order = Enumerable.Range(0, inputs.Length).ToArray();
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            // Linear decay to a tenth of the rate by the last epoch settles the weights.
            var rate = learningRate * (1f - 0.9f * epoch / Math.Max(1, epochs - 1));
            for (var start = 0; start < order.Length; start += batchSize)
            {
                var count = Math.Min(batchSize, order.Length - start);
                foreach (var g in gradW)
                {
                    Array.Clear(g);
                }

                foreach (var g in gradB)
                {
                    Array.Clear(g);
                }

                for (var k = 0; k < count; k++)
                {
                    var index = order[start + k];
                    inputs[index].CopyTo(noisy, 0);
                    if (inputNoise > 0)
                    {
                        for (var i = 0; i < noisy.Length; i++)
                        {
                            noisy[i] += inputNoise * Gaussian(random);
                        }
                    }

                    Forward(noisy, activations);
                    OutputDelta(activations[^1], targets[index], loss, deltas[^1]);
                    Backward(activations, deltas, gradW, gradB);
                }

                Step(gradW, gradB, rate, 1f / count);
            }
        }
    }

    private static void OutputDelta(float[] output, float[] target, TrainingLoss loss, float[] delta)
    {
        if (loss == TrainingLoss.BinaryCrossEntropy)
        {
            // d(BCE)/d(logit) = sigmoid(logit) − label.
            delta[0] = 1f / (1f + MathF.Exp(-output[0])) - target[0];
            return;
        }

        for (var i = 0; i < output.Length; i++)
        {
            delta[i] = 2f * (output[i] - target[i]) / output.Length;
        }
    }

    private void Backward(float[][] activations, float[][] deltas, float[][] gradW, float[][] gradB)
    {
        for (var l = Weights.Length - 1; l >= 0; l--)
        {
            var delta = deltas[l + 1];
            var previous = activations[l];
            var width = Sizes[l + 1];
            TensorPrimitives.Add(gradB[l], delta, gradB[l]);
            for (var i = 0; i < previous.Length; i++)
            {
                var row = gradW[l].AsSpan(i * width, width);
                TensorPrimitives.MultiplyAdd(delta, previous[i], row, row);
            }

            if (l > 0)
            {
                var back = deltas[l];
                for (var i = 0; i < previous.Length; i++)
                {
                    // Through tanh: derivative 1 − a².
                    back[i] = TensorPrimitives.Dot(Weights[l].AsSpan(i * width, width), delta) * (1f - previous[i] * previous[i]);
                }
            }
        }
    }

    private void Step(float[][] gradW, float[][] gradB, float rate, float scale)
    {
        const float beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;
        _step++;
        var correction1 = 1f - MathF.Pow(beta1, _step);
        var correction2 = 1f - MathF.Pow(beta2, _step);
        for (var l = 0; l < Weights.Length; l++)
        {
            Adam(Weights[l], gradW[l], _mW[l], _vW[l]);
            Adam(Biases[l], gradB[l], _mB[l], _vB[l]);
        }

        void Adam(float[] parameters, float[] gradient, float[] m, float[] v)
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                var g = gradient[i] * scale;
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                parameters[i] -= rate * (m[i] / correction1) / (MathF.Sqrt(v[i] / correction2) + epsilon);
            }
        }
    }

    /// <summary>A standard normal sample (Box–Muller).</summary>
    public static float Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
