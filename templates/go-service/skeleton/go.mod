module github.com/acme-freight/${{ values.name }}

go 1.22

require github.com/prometheus/client_golang v1.20.5
