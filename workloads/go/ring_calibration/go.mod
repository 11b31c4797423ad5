module gcsim/ringcal

go 1.19
