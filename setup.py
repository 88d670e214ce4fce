"""Packaging for rl4med: every setting is read from settings.ini (the nbdev 2 layout)."""
from configparser import ConfigParser
from pathlib import Path
import shlex

import setuptools

here = Path(__file__).parent
config = ConfigParser(delimiters=['='])
config.read(here/'settings.ini', encoding='utf-8')
cfg = config['DEFAULT']

required = 'version description keywords author author_email license min_python lib_name user'.split()
missing = [k for k in required if k not in cfg]
if missing: raise ValueError(f"settings.ini is missing {missing}")

licenses = {'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License'),
            'mit': ('MIT License', 'OSI Approved :: MIT License')}
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
py_versions = ['3.10', '3.11', '3.12', '3.13', '3.14']
min_python = tuple(int(p) for p in cfg['min_python'].split('.'))
lic = licenses.get(cfg['license'].lower(), (cfg['license'], None))

def _reqs(key): return shlex.split(cfg.get(key, ''))

console_scripts = [s.strip() for s in cfg.get('console_scripts', '').splitlines() if s.strip()]

setuptools.setup(
    name=cfg['lib_name'],
    version=cfg['version'],
    description=cfg['description'],
    long_description=(here/'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    license=lic[0],
    author=cfg['author'], author_email=cfg['author_email'],
    url=cfg['git_url'],
    keywords=cfg['keywords'].split(),
    classifiers=['Development Status :: ' + statuses[int(cfg['status'])],
                 'Intended Audience :: ' + cfg['audience'].title(),
                 'Natural Language :: ' + cfg['language'].title(),
                 'Topic :: Scientific/Engineering :: Medical Science Apps.'] +
                (['License :: ' + lic[1]] if lic[1] else []) +
                ['Programming Language :: Python :: ' + v for v in py_versions
                 if tuple(int(p) for p in v.split('.')) >= min_python],
    packages=setuptools.find_packages(include=[cfg['lib_path'], cfg['lib_path'] + '.*']),
    include_package_data=True,
    package_data={cfg['lib_path']: ['assets/**/*', 'assets/*']},
    install_requires=_reqs('requirements'),
    extras_require={'dev': _reqs('dev_requirements')},
    python_requires='>=' + cfg['min_python'],
    entry_points={'console_scripts': console_scripts, 'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
    zip_safe=False,
)
