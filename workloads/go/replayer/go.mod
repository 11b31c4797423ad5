module gcsim/replayer

go 1.19
