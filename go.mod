module github.com/scan-equitune/equitune

go 1.26.8
