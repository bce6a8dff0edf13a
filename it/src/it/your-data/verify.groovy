// Runs after the build of this fresh project; a failed assert fails the integration test.
String log = new File(basedir, 'build.log').text

// The model compiled without a Lamina diagnostic, and the training ran to its last epoch.
assert !log.contains('[Lamina') : 'unexpected Lamina diagnostics in build.log'
assert log.contains('epoch 100/100  train loss ') : 'training did not finish'
// Regression reports errors, never an accuracy.
assert !log.contains('accuracy') : 'a regression run printed an accuracy'
def result = (log =~ /validation: loss (\S+)  MSE (\S+)  MAE (\S+)  \(40 examples\)/)
assert result.find() : 'no validation line'
double mae = result.group(3) as double
// Prices span about 1 to 4 (in 100k) with noise of std 0.05: a model that learned is within 0.15 on average.
assert mae < 0.15 : "validation MAE $mae: the model did not learn the prices"
return true
