namespace EdgeGateway.Training;

/// <summary>Evaluation measures for scores against labels.</summary>
public static class Metrics
{
    /// <summary>Area under the ROC curve: the chance a random positive scores above a random negative (ties count half).</summary>
    public static double RocAuc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var ranked = scores.Select((s, i) => (Score: s, Label: labels[i])).OrderBy(p => p.Score).ToList();
        double rankSum = 0;
        long positives = 0;
        for (var i = 0; i < ranked.Count;)
        {
            var j = i;
            while (j < ranked.Count && ranked[j].Score == ranked[i].Score)
            {
                j++;
            }

            var averageRank = (i + j + 1) / 2.0;
            for (var k = i; k < j; k++)
            {
                if (ranked[k].Label)
                {
                    rankSum += averageRank;
                    positives++;
                }
            }

            i = j;
        }

        long negatives = ranked.Count - positives;
        return positives == 0 || negatives == 0 ? double.NaN : (rankSum - positives * (positives + 1) / 2.0) / (positives * (double)negatives);
    }

    /// <summary>Average precision: the area under the precision–recall curve, summed at each positive.</summary>
    public static double AveragePrecision(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var ranked = scores.Select((s, i) => (Score: s, Label: labels[i])).OrderByDescending(p => p.Score).ToList();
        var positives = ranked.Count(p => p.Label);
        double sum = 0;
        var found = 0;
        for (var i = 0; i < ranked.Count; i++)
        {
            if (ranked[i].Label)
            {
                found++;
                sum += found / (double)(i + 1);
            }
        }

        return positives == 0 ? double.NaN : sum / positives;
    }

    public static (double Precision, double Recall, double F1, double FalsePositiveRate) At(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, double threshold, bool inclusive = false)
    {
        int tp = 0, fp = 0, fn = 0, tn = 0;
        for (var i = 0; i < scores.Count; i++)
        {
            var flagged = inclusive ? scores[i] >= threshold : scores[i] > threshold;
            (tp, fp, fn, tn) = (flagged, labels[i]) switch
            {
                (true, true) => (tp + 1, fp, fn, tn),
                (true, false) => (tp, fp + 1, fn, tn),
                (false, true) => (tp, fp, fn + 1, tn),
                _ => (tp, fp, fn, tn + 1),
            };
        }

        var precision = tp + fp == 0 ? 0 : tp / (double)(tp + fp);
        var recall = tp + fn == 0 ? 0 : tp / (double)(tp + fn);
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return (precision, recall, f1, fp + tn == 0 ? 0 : fp / (double)(fp + tn));
    }

    /// <summary>The value below which <paramref name="fraction"/> of the values fall (nearest rank).</summary>
    public static double Quantile(IEnumerable<double> values, double fraction)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
