namespace PartnerAssistant.Prediction;

/// <summary>One bin of a calibration table: predictions in [From, To), how many, their mean and the observed rate.</summary>
public sealed record CalibrationBin(double From, double To, int Count, double MeanPredicted, double ObservedRate);

/// <summary>How well probabilities rank and how honest they are, on one set of labelled rows.</summary>
public sealed record BinaryMetrics(int Rows, int Positives, double Auc, double PrAuc, double LogLoss, double Brier, double Ece, IReadOnlyList<CalibrationBin> Calibration)
{
    /// <summary>Computes the metrics. Log-loss uses the natural logarithm; PR AUC is average precision;
    /// ECE is the row-weighted gap between mean prediction and observed rate over ten equal-width bins.</summary>
    public static BinaryMetrics Compute(IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels)
    {
        var positives = labels.Count(l => l);
        var logLoss = 0.0;
        var brier = 0.0;
        for (var i = 0; i < labels.Count; i++)
        {
            var p = Math.Clamp(probabilities[i], 1e-15, 1 - 1e-15);
            logLoss -= labels[i] ? Math.Log(p) : Math.Log(1 - p);
            var y = labels[i] ? 1.0 : 0.0;
            brier += (probabilities[i] - y) * (probabilities[i] - y);
        }

        var n = Math.Max(1, labels.Count);
        var bins = CalibrationTable(probabilities, labels);
        var ece = bins.Sum(b => b.Count * Math.Abs(b.MeanPredicted - b.ObservedRate)) / n;
        return new BinaryMetrics(labels.Count, positives, RocAuc(probabilities, labels), AveragePrecision(probabilities, labels), logLoss / n, brier / n, ece, bins);
    }

    /// <summary>ROC AUC as the Mann–Whitney statistic; tied scores count half. NaN without both classes.</summary>
    public static double RocAuc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        var positives = labels.Count(l => l);
        var negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        var rankSum = 0.0;
        var k = 0;
        while (k < order.Length)
        {
            var j = k;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[k]])
            {
                j++;
            }

            var rank = (k + j) / 2.0 + 1;
            for (var t = k; t <= j; t++)
            {
                if (labels[order[t]])
                {
                    rankSum += rank;
                }
            }

            k = j + 1;
        }

        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>Average precision: precision at each recall step, tied scores taken together.</summary>
    public static double AveragePrecision(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var positives = labels.Count(l => l);
        if (positives == 0)
        {
            return double.NaN;
        }

        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var truePositives = 0;
        var seen = 0;
        var ap = 0.0;
        var previousRecall = 0.0;
        var k = 0;
        while (k < order.Length)
        {
            var j = k;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[k]])
            {
                j++;
            }

            for (var t = k; t <= j; t++)
            {
                seen++;
                if (labels[order[t]])
                {
                    truePositives++;
                }
            }

            var recall = truePositives / (double)positives;
            ap += (recall - previousRecall) * (truePositives / (double)seen);
            previousRecall = recall;
            k = j + 1;
        }

        return ap;
    }

    public static IReadOnlyList<CalibrationBin> CalibrationTable(IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels, int binCount = 10)
    {
        var count = new int[binCount];
        var sumPredicted = new double[binCount];
        var sumObserved = new double[binCount];
        for (var i = 0; i < labels.Count; i++)
        {
            var bin = Math.Min(binCount - 1, (int)(probabilities[i] * binCount));
            count[bin]++;
            sumPredicted[bin] += probabilities[i];
            sumObserved[bin] += labels[i] ? 1 : 0;
        }

        var table = new List<CalibrationBin>();
        for (var b = 0; b < binCount; b++)
        {
            if (count[b] > 0)
            {
                table.Add(new CalibrationBin(b / (double)binCount, (b + 1) / (double)binCount, count[b], sumPredicted[b] / count[b], sumObserved[b] / count[b]));
            }
        }

        return table;
    }
}
